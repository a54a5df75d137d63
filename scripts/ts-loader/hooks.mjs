// Module hooks that run the repository's TypeScript sources in tests (registered by ./register.mjs, which
// scripts/run-tests.mjs puts in every test process's NODE_OPTIONS). They do the two things the sources need
// and nothing more, so the modules that are JavaScript already (node_modules, dist/) pass straight through:
// - resolve: an import of './x.js' from a .ts file whose x.js does not exist is x.ts (NodeNext style);
// - load: a .ts file is esbuild's transform of it (types stripped, the tsconfig's verbatimModuleSyntax),
//   kept in node_modules/.cache/sward/ts/ by the hash of its text, so only the first process pays for it.
// tsx did the same with more work per module (its own resolver, CommonJS hooks, tsconfig lookups): importing
// the coordinator took ~2 CPU-s more than plain node under tsx, ~0.8 s under hooks that do nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/sward/ts/', import.meta.url));
/** Changes whenever the transform's options do, so no output of other options is ever reused. */
const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, target: 'ES2022' } },
};
const VERSION = JSON.stringify(OPTIONS);
let esbuild;

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const js = new URL(specifier, parent);
    if (!existsSync(js)) {
      const ts = new URL(`${js.href.slice(0, -3)}.ts`);
      if (existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const text = readFileSync(path, 'utf8');
  const hash = createHash('sha256').update(VERSION).update('\0').update(path).update('\0').update(text);
  const cached = `${CACHE}${hash.digest('hex')}.js`;
  let source;
  try {
    source = readFileSync(cached, 'utf8');
  } catch {
    esbuild ??= await import('esbuild');
    source = esbuild.transformSync(text, { ...OPTIONS, sourcefile: path }).code;
    try {
      mkdirSync(CACHE, { recursive: true });
      // another process may write the same entry at once: each writes its own file, then renames
      const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(tmp, source);
      renameSync(tmp, cached);
    } catch {
      // no cache (a read-only tree): the next process transforms the file again
    }
  }
  return { format: 'module', source, shortCircuit: true };
}
