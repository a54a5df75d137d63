// Child process for the loader test (ts-loader.test.ts): starts one worker thread of each pool from the
// TypeScript sources, waits until each has loaded its entry, and exits.
import { once } from 'node:events';
import { startExtractionWorker } from '../../packages/coordinator/src/ingest/extraction-pool.js';
import { verifyInWorkers } from '../../packages/sdk/src/verify-pool.js';

const extraction = startExtractionWorker();
const [message] = await once(extraction, 'message');
if (!message?.ready) throw new Error(`the extraction worker said ${JSON.stringify(message)}`);
await extraction.terminate();
// no ranges: resolves once the worker has loaded and said it is ready
await verifyInWorkers({ dir: '/nonexistent', checkpoints: [], trustedKeys: [] }, [], 1, null);
process.stdout.write('workers ready\n');
