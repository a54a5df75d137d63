// Worker thread entry of the verify pool (verify-pool.ts): claims ranges of pages.jsonl from the shared
// counter until none are left, and posts each range's result.
import { parentPort, workerData } from 'node:worker_threads';
import { BundleVerifier } from '@sward/core';
import { verifyChunk } from './verify-chunk.js';
import type { WorkerInput } from './verify-pool.js';
import { ReceiptCheck } from './verify-receipts.js';

const { job, ranges, next } = workerData as WorkerInput;
const port = parentPort;
if (!port) throw new Error('verify-worker.ts runs as a worker thread');
// Bundle-level failures are the main thread's to report; here the verifier only supplies checked roots.
const verifier = new BundleVerifier(job.checkpoints, job.trustedKeys);
verifier.failures.length = 0;
port.postMessage({ ready: true });
const receipts = job.compliance ? new ReceiptCheck(job.compliance) : undefined;
const counter = new Int32Array(next);
for (let i = Atomics.add(counter, 0, 1); i < ranges.length; i = Atomics.add(counter, 0, 1))
  port.postMessage({
    index: i,
    result: verifyChunk(verifier, job.dir, ranges[i] as (typeof ranges)[number], receipts),
  });
