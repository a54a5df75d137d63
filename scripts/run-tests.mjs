#!/usr/bin/env node
// Runs every *.test.ts beside the code and in test/ with node's own test runner (tsx for TypeScript).
// Node 20's --test does not expand globs, so we list the files here.
// Tests run the TypeScript sources: the "source" export condition points each @sward/* package at its
// src/index.ts. NODE_OPTIONS carries that to every child process a test starts (`sward` in a child, a
// coordinator process), so a test never runs a stale dist/. The few tests of the compiled output itself
// (bin, lazy loading, plain-JavaScript SDK) start their children without it; dist/ and the bins' bundles
// are brought up to date first (an incremental tsc -b: quick when nothing changed; esbuild: about a second).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['packages', 'test'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const r of roots) {
  if (statSync(r).isFile()) files.push(r);
  else walk(r);
}
files.sort();
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const build = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const bundle = spawnSync(process.execPath, [fileURLToPath(new URL('./bundle-bins.mjs', import.meta.url))], {
  stdio: 'inherit',
});
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
// tsx by its file URL: a child started in a temporary folder could not resolve the bare name.
const sourceOptions = `--conditions=source --import="${import.meta.resolve('tsx')}"`;
const res = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=240000', ...files],
  {
    stdio: 'inherit',
    // SWARD_CONTRACT_CHECK: every coordinator a test starts (in process or a child) checks each request and
    // answer against the API contract (coordinator api/contract-check.ts), so the suite is its conformance test.
    env: {
      ...process.env,
      SWARD_CONTRACT_CHECK: '1',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${sourceOptions}`.trim(),
    },
  },
);
process.exit(res.status ?? 1);
