// Fills the test hooks' transform cache (./cache.mjs) for every TypeScript file under `roots` that it lacks, in
// one process before the tests start. Without it, on a fresh clone, each of the first test processes (three at
// a time) loaded esbuild and transformed the same few hundred sources itself, one file at a time; here esbuild's
// service transforms them in parallel, once. A warm cache costs reading and hashing the files (~0.1 s).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cachedPath, keep, OPTIONS } from './cache.mjs';

function tsFiles(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) tsFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Transforms the files under `roots` missing from the cache; returns how many it transformed. */
export async function warmCache(roots) {
  const missing = [];
  for (const root of roots)
    if (existsSync(root))
      for (const path of tsFiles(resolve(root), [])) {
        const text = readFileSync(path, 'utf8');
        const cached = cachedPath(path, text);
        if (!existsSync(cached)) missing.push({ path, text, cached });
      }
  if (missing.length === 0) return 0;
  const esbuild = await import('esbuild');
  await Promise.all(
    missing.map(async ({ path, text, cached }) => {
      try {
        keep(cached, (await esbuild.transform(text, { ...OPTIONS, sourcefile: path })).code);
      } catch {
        // a file that does not transform fails where a test loads it, with esbuild's message there
      }
    }),
  );
  return missing.length;
}
