// `sward coordinator` sets V8's --optimize-for-size before anything loads (packages/cli/bin/sward.js), so the
// worker threads it starts later (extraction) get 1 MiB semi-spaces instead of growing to 16 MiB ones: ~30
// MiB less for the extraction thread alone in the crawl bench (docs/BENCHMARKS.md, session 17, rss). The
// command is stopped by a config error right after its modules load; a probe preloaded into it starts a
// worker thread just before it exits and reports the largest young generation that worker reached.
// `sward node` sets the flag too, for its old generation's sake (session 18, nmem): the probe's worker shows it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../packages/cli/bin/sward.js', import.meta.url));
const nodeBin = fileURLToPath(new URL('../packages/node/bin/sward-node.js', import.meta.url));
const probe = fileURLToPath(new URL('./support/young-generation-probe.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sward-ofs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `sward …args` under the probe; returns the new space (MiB) a worker started at its exit reached. */
function workerYoungGeneration(nodeFlags: string[], args: string[], status: number, command = bin): number {
  const out = join(dir, `probe-${Math.random().toString(36).slice(2)}.txt`);
  // HOME: `sward node` reads no config of the machine's user; no SWARD_NODE_* either (its coordinator's URL)
  const env: NodeJS.ProcessEnv = { ...process.env, SWARD_PROBE_OUT: out, HOME: dir };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('SWARD_NODE_')) delete env[k];
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', probe, command, ...args], {
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

test("sward node runs with the flag too (its old generation is collected sooner); an operator's choice wins", () => {
  // no coordinator: the daemon stops with a config error (status 2) once its modules and lean runtime are in
  assert.equal(workerYoungGeneration([], ['node'], 2), 2);
  assert.ok(workerYoungGeneration(['--no-optimize-for-size'], ['node'], 2) >= 16);
  // the node package's own bin (`sward-node`) alike
  assert.equal(workerYoungGeneration([], [], 2, nodeBin), 2);
  assert.ok(workerYoungGeneration(['--no-optimize-for-size'], [], 2, nodeBin) >= 16);
});
