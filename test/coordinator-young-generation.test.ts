// The coordinator's main thread keeps V8's young generation small (@sward/coordinator/young-generation):
// `sward coordinator` pins it before its modules load, and a worker thread started afterwards neither undoes
// that (V8 puts the growth factor back to 2 when it creates the worker's isolate) nor loses its own young
// generation. Each case runs in a child process: V8's flags are the whole process's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bundleEnv, SOURCE_FLAGS, SWARD_BIN } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-young-gen-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;
const MODULE = new URL('../packages/coordinator/src/ingest/young-generation.ts', import.meta.url).href;

// Allocates ~20 MB that survives a few scavenges at a time: enough for V8 to grow a free young generation to
// its maximum (the main thread's 32 MiB, a 96 MB-young-generation worker's 64 MiB of semi-spaces).
const CHURN = `let keep = [];
for (let r = 0; r < 200; r++) {
  const a = [];
  for (let i = 0; i < 20000; i++) a.push({ i, s: 'x' + i });
  keep.push(a);
  if (keep.length > 20) keep.shift();
}
keep = null;`;
const NEW_SPACE = `require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size`;

test('a worker started after keepYoungGenerationSmall keeps its own young generation and the main thread stays small', () => {
  const script = join(dir, 'pinned.mjs');
  writeFileSync(
    script,
    `import { createRequire } from 'node:module';
    import { Worker } from 'node:worker_threads';
    import { keepYoungGenerationSmall, startWithYoungGeneration } from '${MODULE}';
    const require = createRequire(import.meta.url);
    if (process.argv[2] === 'pin') keepYoungGenerationSmall();
    const worker = startWithYoungGeneration(32, () => new Worker(
      \`const { parentPort } = require('node:worker_threads');
      parentPort.once('message', () => { ${CHURN.replaceAll('`', '\\`')}; parentPort.postMessage(${NEW_SPACE}); });\`,
      { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 96 } },
    ));
    worker.once('online', () => setImmediate(() => worker.postMessage('go')));
    worker.once('message', async (workerNewSpace) => {
      await worker.terminate();
      ${CHURN}
      process.stdout.write(JSON.stringify({ worker: workerNewSpace, main: ${NEW_SPACE} }));
    });`,
  );
  const run = (mode: string) => {
    const r = spawnSync(process.execPath, [...SOURCE_FLAGS, script, mode], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { worker: number; main: number };
  };
  const pinned = run('pin');
  // the main thread at V8's initial 2 MiB (1 MiB semi-spaces), however much it allocated after the worker came up
  assert.ok(pinned.main <= 2 * MiB, `main new space ${pinned.main} bytes`);
  // the worker's two 32 MB semi-spaces, its maximum, as without the pin
  assert.equal(pinned.worker, 64 * MiB);
  const free = run('free');
  assert.equal(free.worker, 64 * MiB);
  assert.ok(free.main > 2 * MiB, `unpinned main new space ${free.main} bytes`);
});

test('`sward coordinator` keeps its main thread young generation at the size the CLI start-up left', () => {
  // Loading the coordinator's modules alone grew it to 32 MiB within 3 s, before any request.
  // The probe reads the size once the coordinator says it listens (everything loaded, started), then ends it.
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `import { getHeapSpaceStatistics } from 'node:v8';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk, ...rest) => {
      if (String(chunk).includes('coordinator listening'))
        setImmediate(() => {
          const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
          process.stderr.write('new space: ' + s.space_size + '\\n', () => process.exit(0));
        });
      return write(chunk, ...rest);
    };`,
  );
  const r = spawnSync(
    process.execPath,
    ['--import', probe, SWARD_BIN, 'coordinator', '--db', join(dir, 'sward.db'), '--port', '0'],
    { env: bundleEnv({ SWARD_LOG_LEVEL: 'warn' }), encoding: 'utf8', timeout: 60_000 },
  );
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  const size = Number(/new space: (\d+)/.exec(out)?.[1]);
  assert.ok(size > 0 && size <= 4 * MiB, `new space ${size} bytes after start-up: ${out}`);
});
