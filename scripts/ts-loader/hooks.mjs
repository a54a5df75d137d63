// Module hooks that run the repository's TypeScript sources in tests (registered by ./register.mjs, which
// scripts/run-tests.mjs puts in every test process's NODE_OPTIONS). They do the two things the sources need
// and nothing more, so the modules that are JavaScript already (node_modules, dist/) pass straight through:
// - resolve: an import of './x.js' from a .ts file whose x.js does not exist is x.ts (NodeNext style);
// - load: a .ts file is esbuild's transform of it (types stripped, the tsconfig's verbatimModuleSyntax),
//   kept in node_modules/.cache/sward/ts/ by the hash of its text (./cache.mjs), so only the first process pays
//   for it; run-tests.mjs fills the cache for the whole tree first (./warm.mjs).
// tsx did the same with more work per module (its own resolver, CommonJS hooks, tsconfig lookups): importing
// the coordinator took ~2 CPU-s more than plain node under tsx, ~0.8 s under hooks that do nothing.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cachedPath, keep, OPTIONS } from './cache.mjs';

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
  const cached = cachedPath(path, text);
  let source;
  try {
    source = readFileSync(cached, 'utf8');
  } catch {
    esbuild ??= await import('esbuild');
    source = esbuild.transformSync(text, { ...OPTIONS, sourcefile: path }).code;
    keep(cached, source);
  }
  return { format: 'module', source, shortCircuit: true };
}
