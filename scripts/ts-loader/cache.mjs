// The TypeScript transform the test hooks (./hooks.mjs) run, and its cache in node_modules/.cache/sward/ts/: one
// file per source, named by the hash of the transform's options, the source's path and its text, so only the
// first process to load a source pays for it. ./warm.mjs fills it for the whole tree before the tests start.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CACHE = fileURLToPath(new URL('../../node_modules/.cache/sward/ts/', import.meta.url));
/** Changes whenever the transform's options do, so no output of other options is ever reused. */
export const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, target: 'ES2022' } },
};
const VERSION = JSON.stringify(OPTIONS);

/** Where the transform of `text` (the source at absolute `path`) is kept. */
export function cachedPath(path, text) {
  const hash = createHash('sha256').update(VERSION).update('\0').update(path).update('\0').update(text);
  return `${CACHE}${hash.digest('hex')}.js`;
}

/** Keeps `source` at `cached`; another process may write the same entry at once: each its own file, then rename. */
export function keep(cached, source) {
  try {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, source);
    renameSync(tmp, cached);
  } catch {
    // no cache (a read-only tree): the next process transforms the file again
  }
}
