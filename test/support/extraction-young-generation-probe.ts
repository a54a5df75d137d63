// Run as a child process (the test's TypeScript loader in its execArgv): V8's --optimize-for-size on, as
// `sward coordinator`'s bin sets it (with the bin's mark when argv[2] is "mark"), starts the coordinator's
// extraction thread, and in the same tick a probe thread whose isolate is certainly created before the
// extraction thread's 'online' event can run (the main thread waits on the probe's first instruction).
// The probe (young-generation-worker.cjs) reports the largest new space it reached; then a second probe, started once the extraction thread is online, does the same. Prints both, in MiB, as JSON.
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { startExtractionWorker } from '../../packages/coordinator/src/ingest/extraction-pool.js';
import { OPTIMIZE_FOR_SIZE_MARK } from '../../packages/coordinator/src/ingest/worker-young-generation.js';

const PROBE = new URL('./young-generation-worker.cjs', import.meta.url);

/** A probe thread allowed a 16 MB young generation; resolves with the new space it reached, MiB. */
function probe(): { started: Int32Array; reached: Promise<number> } {
  const shared = new SharedArrayBuffer(4);
  const w = new Worker(PROBE, { workerData: shared, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  const reached = new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return { started: new Int32Array(shared), reached };
}

setFlagsFromString('--optimize-for-size');
if (process.argv[2] === 'mark') (globalThis as Record<symbol, unknown>)[OPTIMIZE_FOR_SIZE_MARK] = true;
const extraction = startExtractionWorker();
const online = new Promise((resolve) => extraction.once('online', resolve));
const first = probe();
// the extraction thread's 'online' is handled on this thread: not before the probe's isolate runs
Atomics.wait(first.started, 0, 0);
const inWindow = await first.reached;
await online;
const afterwards = await probe().reached;
await extraction.terminate();
console.log(JSON.stringify({ inWindow, afterwards }));
