import { Worker } from 'node:worker_threads';
import { type BundleVerifier, type ComplianceDocument, workerEntryUrl } from '@sward/core';
import type { ByteRange } from './bundle-chunks.js';
import { type ChunkResult, verifyChunk } from './verify-chunk.js';
import { ReceiptCheck } from './verify-receipts.js';

/** What every worker needs to check rows on its own: the inputs the main thread's verifier got. */
export interface PoolJob {
  dir: string;
  checkpoints: unknown;
  trustedKeys: string[];
  /** compliance.json's documents: given, each range's rights receipts are checked with its rows. */
  compliance?: ComplianceDocument[];
}

/** A worker's workerData: the job, every range, and the shared counter of the next range to claim. */
export interface WorkerInput {
  job: PoolJob;
  ranges: readonly ByteRange[];
  next: SharedArrayBuffer;
}

type WorkerMessage = { ready: true } | { index: number; result: ChunkResult };

/** Lets the event loop run (worker messages, timers) between two ranges checked on this thread. */
export const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Checks `ranges` on `workers` worker threads and returns the results in range order, so merging them gives
 * what one thread would have reported. Workers claim ranges from a shared counter, so none waits on this
 * thread to be handed work. Until every worker has loaded (tsx, core: most of a second each), this thread
 * claims ranges too, with `helper` (a verifier like the workers' own); `helper: null` leaves all to the
 * workers. Resolves only once every worker has started, so a worker that cannot load is always an error,
 * however small the bundle. Rejects, after stopping every worker, if one fails.
 */
export function verifyInWorkers(
  job: PoolJob,
  ranges: readonly ByteRange[],
  workers: number,
  helper: BundleVerifier | null,
): Promise<ChunkResult[]> {
  if (!(workers >= 1)) throw new RangeError(`a pool needs at least one worker, got ${workers}`);
  const results: ChunkResult[] = new Array(ranges.length);
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const input: WorkerInput = { job, ranges, next };
  return new Promise((resolve, reject) => {
    const pool = Array.from({ length: workers }, () => startWorker(input));
    let done = 0;
    let ready = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(results);
    };
    const check = () => {
      if (done === ranges.length && ready === pool.length) finish();
    };
    for (const w of pool) {
      w.on('message', (m: WorkerMessage) => {
        if ('ready' in m) ready++;
        else {
          results[m.index] = m.result;
          done++;
        }
        check();
      });
      w.once('error', (e) => finish(new Error(`verify worker failed: ${e.message}`, { cause: e })));
      w.once('exit', (code) => {
        if (code !== 0) finish(new Error(`verify worker stopped (exit code ${code})`));
      });
    }
    const receipts = job.compliance ? new ReceiptCheck(job.compliance) : undefined;
    const help = async () => {
      while (helper && !settled && ready < pool.length) {
        const i = Atomics.add(counter, 0, 1);
        if (i >= ranges.length) break;
        results[i] = verifyChunk(helper, job.dir, ranges[i] as ByteRange, receipts);
        done++;
        await yieldTurn();
      }
      check();
    };
    help().catch((e: Error) => finish(e));
  });
}

/**
 * Installed, this package is compiled JavaScript and the worker's entry, verify-worker.js, is started
 * directly: nothing is transpiled at run time and no loader is a dependency. From its sources (the
 * repository's tests and benches, the "source" export condition) the worker starts with a small module that
 * registers the parent's TypeScript hooks first (@sward/core's sourceWorkerUrl says why).
 *
 * `execArgv: []`: none of the parent's preloads (a bench's tsx, which sourceWorkerUrl registers itself).
 * zod, plain JavaScript and the largest thing core loads, is imported before the hooks are in place when the
 * worker has none yet: through tsx's hooks it took four times as long to load.
 */
function startWorker(input: WorkerInput): Worker {
  return new Worker(workerEntryUrl(import.meta.url, 'verify-worker', plainDependencies()), {
    workerData: input,
    execArgv: [],
  });
}

/** zod's URL when it resolves from here (it is core's dependency; a miss only costs the speed-up). */
function plainDependencies(): string[] {
  try {
    return [import.meta.resolve('zod')];
  } catch {
    return [];
  }
}
