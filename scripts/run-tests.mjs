#!/usr/bin/env node
// Runs every *.test.ts beside the code and in test/ with node's own test runner. TypeScript runs through
// the small module hooks of ts-loader/ (esbuild's transform, cached in node_modules/.cache/sward/ts/), not
// tsx: tsx's hooks cost every test process ~1 CPU-s more to load the coordinator (see ts-loader/hooks.mjs).
// Node 20's --test does not expand globs, so we list the files here, and hand them to node:test's run()
// (run-test-files.mjs) in our order: `node --test <files>` sorts them by name.
// Tests run the TypeScript sources: the "source" export condition points each @sward/* package at its
// src/index.ts. NODE_OPTIONS carries that to every child process a test starts (`sward` in a child, a
// coordinator process), so a test never runs a stale dist/. The few tests of the compiled output itself
// (bin, lazy loading, plain-JavaScript SDK) start their children without it; dist/ and the bins' bundles
// are brought up to date first (an incremental tsc -b: quick when nothing changed; esbuild: about a second).
//
// `--checks` (npm test) runs the repository's checks too: biome beside the build (before any test, as a
// test puts a badly formatted probe file in the tree for a moment), the type-check and the dependency rooms
// beside the tests at the lowest priority (background-checks.mjs). Files start longest first, timed by the
// previous runs (test-order.mjs; node_modules/.cache/sward/test-durations.json, this machine's own). Files
// share processes: a package's unit test files a few groups a package, the files of test/ packed by their
// durations into groups of about a minute (test-groups.mjs; SWARD_TEST_GROUPS=0: one process a file).
// SWARD_TEST_CONCURRENCY sets how many test files (or groups) run at once (default 3 on the reference machine's
// 2 cores: at 2 the cores were idle a third of the time, the tests waiting on children, databases and timers;
// 2026-12-07).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportChecks, startChecks } from './background-checks.mjs';
import { groupFiles } from './test-groups.mjs';
import { durationKey, orderFiles, readDurationsWithSeed, recordDurations, weighMs } from './test-order.mjs';
import { warmCache } from './ts-loader/warm.mjs';

const args = process.argv.slice(2);
const withChecks = args.includes('--checks');
const paths = args.filter((a) => a !== '--checks');
const roots = paths.length ? paths : ['packages', 'test'];
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
const cache = fileURLToPath(new URL('../node_modules/.cache/sward/', import.meta.url));
const durationsFile = join(cache, 'test-durations.json');
// this run's own folder: another run beside it (another worktree's, a subset) writes its own groups
const groupsDir = relative(process.cwd(), join(cache, 'test-groups', String(process.pid)));
const durations = readDurationsWithSeed(
  durationsFile,
  fileURLToPath(new URL('./test-durations-seed.json', import.meta.url)),
);
const { paths: units, members } =
  process.env.SWARD_TEST_GROUPS === '0'
    ? { paths: files, members: {} }
    : groupFiles(files, groupsDir, { durations });
// a group weighs what its members do (recorded one by one: a group's make-up changes with the durations)
for (const [unit, list] of Object.entries(members))
  durations[durationKey(unit)] = list.reduce((sum, f) => sum + weighMs(f, durations), 0);
const ordered = orderFiles(units, durations);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const biome = withChecks
  ? startChecks([['biome', npm, ['exec', '--', 'biome', 'check', '.']]], { nice: 0 })
  : null;
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const build = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const bundle = spawnSync(process.execPath, [fileURLToPath(new URL('./bundle-bins.mjs', import.meta.url))], {
  stdio: 'inherit',
});
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
// the TypeScript hooks' cache for every source and test, in one go (a fresh clone's test processes each made it)
await warmCache(['packages', 'test', 'bench', 'scripts']);
const biomeResults = biome ? await biome : [];
// as `biome check . && …` did: a lint failure is reported before any test runs
if (!reportChecks(biomeResults)) process.exit(1);
const background = withChecks
  ? startChecks([
      ['typecheck', npm, ['run', '-s', 'typecheck']],
      ['rooms', npm, ['run', '-s', 'rooms']],
    ])
  : Promise.resolve([]);
// The TypeScript hooks by their file URL (a child started in a temporary folder resolves it too).
const sourceOptions = `--conditions=source --import="${new URL('./ts-loader/register.mjs', import.meta.url).href}"`;
const timing = mkdtempSync(join(tmpdir(), 'sward-test-durations-'));
const concurrency = Number(process.env.SWARD_TEST_CONCURRENCY);
const res = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [
      // node:test's run() on the files in our order (`node --test` would sort them by name)
      fileURLToPath(new URL('./run-test-files.mjs', import.meta.url)),
      `--concurrency=${Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 3}`,
      '--timeout=240000',
      // besides the usual report (spec on a terminal, TAP otherwise), the durations for the next run's order
      `--durations=${join(timing, 'run.jsonl')}`,
      ...ordered,
    ],
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
  child.once('close', (status) => resolve({ status }));
});
try {
  recordDurations(durationsFile, readFileSync(join(timing, 'run.jsonl'), 'utf8'));
} catch {
  // no durations (the runner failed before any file ended): the next run keeps the previous order
}
rmSync(timing, { recursive: true, force: true });
rmSync(groupsDir, { recursive: true, force: true });
const checksOk = reportChecks(await background);
process.exit(res.status === 0 && checksOk ? 0 : (res.status ?? 1) || 1);
