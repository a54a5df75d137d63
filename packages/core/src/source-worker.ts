// How a worker thread of ours starts when the package runs from its TypeScript sources (the repository's tests
// and benches). Installed, every package is compiled JavaScript and its workers start their entry directly:
// nothing here is reached, and no loader is loaded.
//
// On Node 20 a worker thread runs none of its parent's module hooks: its own preloads (NODE_OPTIONS' --import,
// which the worker reads again, or execArgv's) have to register them, and tsx's do not reach a worker's entry
// module that way (ERR_UNKNOWN_FILE_EXTENSION). So the worker starts with a small ES module that registers the
// hooks the parent runs with, then imports the entry.

/**
 * The key under which the repository's test loader (scripts/ts-loader/register.mjs) leaves its own URL on
 * globalThis. A convention, not a dependency: a package never imports that file by name.
 */
export const TYPESCRIPT_HOOKS_KEY = Symbol.for('sward.typescript-hooks');

/**
 * The URL a worker of a TypeScript `entry` starts from: the parent's own hooks when it runs with the
 * repository's loader (imported once per thread: under NODE_OPTIONS the worker has run them already, and the
 * import is a cache hit), else tsx's (a bench run as `node --import tsx`). `plain` are JavaScript modules
 * imported before the hooks are in place, where loading them through hooks would cost more.
 */
export function sourceWorkerUrl(entry: URL, plain: readonly string[] = []): URL {
  const hooks = (globalThis as Record<symbol, unknown>)[TYPESCRIPT_HOOKS_KEY];
  const register =
    typeof hooks === 'string'
      ? [`await import(${JSON.stringify(hooks)});`]
      : [
          `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});`,
          'register();',
        ];
  const boot = [
    ...plain.map((url) => `await import(${JSON.stringify(url)});`),
    ...register,
    `await import(${JSON.stringify(entry.href)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/**
 * The URL a worker of ours starts from, given the module that starts it (`import.meta.url`) and the worker
 * module's name beside it: installed (compiled), `<name>.js` itself; from the sources, `<name>.ts` through
 * sourceWorkerUrl (with its `plain` modules).
 */
export function workerEntryUrl(caller: string, name: string, plain: readonly string[] = []): URL {
  return caller.endsWith('.ts')
    ? sourceWorkerUrl(new URL(`./${name}.ts`, caller), plain)
    : new URL(`./${name}.js`, caller);
}
