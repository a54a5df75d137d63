// `sward coordinator` sets V8's --optimize-for-size before anything loads (packages/cli/bin/sward.js), so the
// worker threads it starts later (extraction) get 1 MiB semi-spaces instead of growing to 16 MiB ones: ~30
// MiB less for the extraction thread alone in the crawl bench (docs/BENCHMARKS.md, session 17, rss). The
// command is stopped by a config error right after its modules load; a probe preloaded into it starts a
// worker thread just before it exits and reports the largest young generation that worker reached.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));
const probe = fileURLToPath(new URL('./support/young-generation-probe.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sward-ofs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `sward …args` under the probe; returns the new space (MiB) a worker started at its exit reached. */
function workerYoungGeneration(nodeFlags: string[], args: string[], status: number): number {
  const out = join(dir, `probe-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_PROBE_OUT: out };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', probe, bin, ...args], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, status, r.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^\d+(\.\d+)?$/, text);
  return Number(text);
}

const BAD_CONFIG = ['coordinator', '--sqlite-cache-mib', '0'];

test("sward coordinator's worker threads get a small young generation", () => {
  assert.equal(workerYoungGeneration([], BAD_CONFIG, 2), 2);
});

test("other commands, and an operator's --no-optimize-for-size, keep V8's default young generation", () => {
  // the probe's worker does reach a large young generation where the flag is not set
  assert.ok(workerYoungGeneration([], ['--version'], 0) >= 16);
  assert.ok(workerYoungGeneration(['--no-optimize-for-size'], BAD_CONFIG, 2) >= 16);
});
