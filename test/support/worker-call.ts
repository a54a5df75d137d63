import { Worker } from 'node:worker_threads';

/**
 * Calls `name`, an async function exported by the module at `url`, with `args` on a worker thread of its own,
 * and resolves with what it returns (arguments and result cross by structured clone: plain data only).
 *
 * Why a thread: under Node 20's test runner every promise of the test's thread is tracked by the runner's
 * async hook (init and destroy, to find which test an error belongs to). Code that awaits a few million
 * times (a simulation over the async store driver) pays ~2 µs an await for it, half its CPU and much of its
 * GC; a worker thread has no such hook. Measured in docs/BENCHMARKS.md, "Session 13, suite".
 */
export function callInWorker<T>(url: URL, name: string, ...args: unknown[]): Promise<T> {
  const worker = new Worker(new URL('./worker-call-thread.ts', import.meta.url), {
    workerData: { url: url.href, name, args },
  });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.once('message', (m: { ok: true; value: T } | { ok: false; error: unknown }) => {
      settled = true;
      if (m.ok) resolve(m.value);
      else reject(m.error);
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`${name} (${url.href}): worker exited ${code} without an answer`));
    });
  });
}
