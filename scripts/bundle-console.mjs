#!/usr/bin/env node
// Builds the console (packages/web) into packages/web/dist with esbuild, offline: one script, one style
// sheet and the page, which the coordinator serves at /console/ (api/console-routes.ts). Run by
// `npm run build` after bundle-bins.mjs.
//
// - Preact + htm: tagged templates, so no JSX step; the whole UI stack is ~5 KB gzipped.
// - The proof explorer imports core's verifyRowProof (@sward/core/row-proof): its node:crypto is mapped
//   onto shims/node-crypto.ts (@noble hashes and curves) and its Buffer global is the `buffer` package's
//   (shims/buffer-global.ts), so the browser runs the very verification code the CLI runs.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));
const web = join(repo, 'packages/web');
const out = join(web, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  absWorkingDir: repo,
  entryPoints: { app: join(web, 'src/main.ts'), style: join(web, 'src/style.css') },
  outdir: out,
  bundle: true,
  // The proof explorer's verification (core and zod, most of the bytes) is a chunk loaded on first use.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  conditions: ['source'],
  // npm may keep the console's own packages under packages/web/node_modules; htm (hoisted) imports preact.
  nodePaths: [join(web, 'node_modules')],
  alias: {
    'node:crypto': join(web, 'src/shims/node-crypto.ts'),
    'node:url': join(web, 'src/shims/node-url.ts'),
  },
  define: { 'process.env.NODE_ENV': '"production"' },
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(join(web, 'src/index.html'), join(out, 'index.html'));
writeFileSync(join(out, 'meta.json'), JSON.stringify(result.metafile));
