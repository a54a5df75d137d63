// What starting one worker thread of a pool from the TypeScript sources costs a test process: starts
// `--workers` workers of the extraction pool or the verify pool, waits until each has loaded its entry, and
// exits. Run it under /usr/bin/time with the test runner's NODE_OPTIONS (the worker's CPU is the process's,
// less a run with `--workers 0`):
//   NODE_OPTIONS="--conditions=source --import=file://$PWD/scripts/ts-loader/register.mjs" \
//     /usr/bin/time -f '%U %S' node bench/worker-start-bench.ts extraction|verify [--workers 1]
import { once } from 'node:events';
import { startExtractionWorker } from '../packages/coordinator/src/ingest/extraction-pool.js';
import { verifyInWorkers } from '../packages/sdk/src/verify-pool.js';

const pool = process.argv[2];
const i = process.argv.indexOf('--workers');
const workers = i > 0 ? Number(process.argv[i + 1]) : 1;
if (pool === 'extraction')
  for (let n = 0; n < workers; n++) {
    const w = startExtractionWorker();
    await once(w, 'message');
    await w.terminate();
  }
else if (pool === 'verify') {
  // no ranges: resolves once every worker has loaded and said it is ready
  if (workers > 0)
    await verifyInWorkers({ dir: '/nonexistent', checkpoints: [], trustedKeys: [] }, [], workers, null);
} else throw new Error(`usage: worker-start-bench.ts extraction|verify [--workers N], not ${pool}`);
