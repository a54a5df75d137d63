#!/usr/bin/env node
// Bundles what the bins run (`npm run build`, after tsc): `sward` into packages/cli/dist/bundle/ and
// `sward-node` into packages/node/dist/bundle/. Node 20 has no module compile cache, so a command that
// loads ~100 small ES modules (resolve, open, compile each) spends most of its start-up there; a bundle
// split into a few chunks loads the same code from a handful of files.
//
// - esbuild, run here from node_modules at build time: nothing is downloaded, at build or at run time.
// - Code splitting keeps lazy loading: every `await import()` of a command's action becomes a chunk of
//   its own, so `sward --help` still loads only commander and the command descriptions.
// - The coordinator, the SDK and the test sites stay outside (imported from their own dist/): they find
//   files beside their modules (the labelling page, the verify worker), pull native and optional
//   packages (better-sqlite3, usearch, Solana), and none of them is on a path the start-up targets
//   measure. So do native, optional and worker-thread packages wherever they are imported.
// - Sources come in through the "source" export condition (TypeScript, type-checked by tsc before);
//   linked source maps point stack traces at them (`--debug` turns the maps on, see the bins).
// - A metafile beside each bundle says which sources each output file holds; the lazy-loading test reads
//   it to check what `--help` loads.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Imported at run time from node_modules, never bundled. */
const OUTSIDE = [
  // rooms that read files beside their modules or start workers from them (see above)
  /^@sward\/(coordinator|sdk|testsites)(\/|$)/,
  // native, optional and worker-thread packages
  /^(better-sqlite3|usearch|onnxruntime-node|@huggingface\/|@solana\/|litesvm|pino|thread-stream)(\/|$)/,
];
/** Constant-only modules of those rooms that `--help` shows; small and free of I/O, so bundled. */
const INSIDE = new Set(['@sward/coordinator/label-methods', '@sward/sdk/verify-defaults']);

/**
 * Sources whose zod is the one in node_modules: `sward coordinator` loads the coordinator (outside), which
 * imports zod from there, so a bundled copy for the command's config would be a second zod in the process.
 */
const SHARED_ZOD = /packages\/cli\/src\/coordinator-config\.ts$/;

const outside = {
  name: 'outside',
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) => {
      if (INSIDE.has(args.path)) return undefined;
      if (args.path === 'zod' && SHARED_ZOD.test(args.importer)) return { path: args.path, external: true };
      return OUTSIDE.some((re) => re.test(args.path)) ? { path: args.path, external: true } : undefined;
    });
  },
};

async function bundle(name, entry, outdir) {
  const out = join(repo, outdir);
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repo,
    entryPoints: { [name]: entry },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    // CommonJS packages inside an ES module bundle call require() for node: built-ins.
    banner: {
      js: "import { createRequire as __swardRequire } from 'node:module'; const require = __swardRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    plugins: [outside],
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(join(out, 'meta.json'), JSON.stringify(result.metafile));
}

await bundle('sward', 'packages/cli/src/index.ts', 'packages/cli/dist/bundle');
await bundle('sward-node', 'packages/node/src/command.ts', 'packages/node/dist/bundle');
// The console (packages/web) is bundled here too, so the one build command makes every bundle.
await import('./bundle-console.mjs');
