// The thread of worker-call.ts: imports the module, calls the named export with the arguments, posts back
// its result or its error, and ends.
import { parentPort, workerData } from 'node:worker_threads';

const { url, name, args } = workerData as { url: string; name: string; args: unknown[] };
const port = parentPort;
if (!port) throw new Error('worker-call-thread.ts runs as a worker thread (see worker-call.ts)');
try {
  const fn = (await import(url))[name] as (...a: unknown[]) => Promise<unknown>;
  port.postMessage({ ok: true, value: await fn(...args) });
} catch (error) {
  port.postMessage({ ok: false, error });
}
