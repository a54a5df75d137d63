// Under `sward coordinator`'s --optimize-for-size (set by its bin), the extraction thread gets the young
// generation its resourceLimits ask for instead of the flag's 1 MiB semi-spaces (which doubled its CPU a page,
// docs/BENCHMARKS.md, session 17, rss2), and the flag is back on for every isolate created afterwards. The
// child (test/support/extraction-young-generation-probe.ts) starts a probe thread inside the window in which
// the extraction thread's isolate is created, and another once that thread is online.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./support/extraction-young-generation-probe.ts', import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));

function run(mark: boolean): { inWindow: number; afterwards: number } {
  // the TypeScript loader reaches the child as it reaches this process: in NODE_OPTIONS under npm test's
  // runner, in execArgv under `node --import tsx --test`
  const r = spawnSync(process.execPath, [...process.execArgv, child, mark ? 'mark' : 'no-mark'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

test("with the bin's --optimize-for-size, the extraction thread's isolate is created with its own young generation", () => {
  const r = run(true);
  // created while the extraction thread starts: the 16 MB asked for (two 8 MiB semi-spaces), not the flag's 2
  assert.equal(r.inWindow, 16);
  // the flag is on again once the extraction thread runs: a thread started then gets the flag's 2 MiB
  assert.equal(r.afterwards, 2);
});

test("an operator's own --optimize-for-size (no bin mark) is left whole", () => {
  assert.deepEqual(run(false), { inWindow: 2, afterwards: 2 });
});

// Preloaded into the bin: prints, as the command exits, whether the bin left its mark for the pool.
const MARK_PROBE = `data:text/javascript,${encodeURIComponent(
  "const exit = process.exit.bind(process); process.exit = (c) => { process.stdout.write('mark=' + (globalThis[Symbol.for('sward.v8.optimizeForSize')] === true)); exit(c); };",
)}`;

function binMark(nodeFlags: string[], args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', MARK_PROBE, bin, ...args], {
    env,
    encoding: 'utf8',
  });
  return /mark=(true|false)/.exec(r.stdout)?.[1] ?? `no answer: ${r.stdout} ${r.stderr}`;
}

test('the bin marks the flag as its own for `sward coordinator` only, not where the operator chose it', () => {
  const badConfig = ['coordinator', '--sqlite-cache-mib', '0'];
  assert.equal(binMark([], badConfig), 'true');
  assert.equal(binMark(['--optimize-for-size'], badConfig), 'false');
  assert.equal(binMark(['--no-optimize-for-size'], badConfig), 'false');
  assert.equal(binMark([], ['--version']), 'false');
});
