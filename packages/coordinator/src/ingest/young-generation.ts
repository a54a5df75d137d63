import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * The coordinator's main thread keeps V8's young generation at the size it has when `sward coordinator`
 * starts (2-4 MiB) instead of letting it double up to V8's default 32 MiB, which loading the coordinator's
 * modules alone reached within 3 s, before any request (docs/BENCHMARKS.md, session 14, mem). The main
 * thread's live set between requests is small (a batch of captures, a few rows), so a small young generation
 * is scavenged often but cheaply; the extraction threads, which allocate a page's trees per document, keep
 * theirs (`startWithYoungGeneration`).
 *
 * `--semi-space-growth-factor=1` is read at every growth of the young generation, so setting it at run time
 * holds from then on. V8 puts the flag back to 2 whenever it creates an isolate (a worker thread), so every
 * worker started after this goes through `startWithYoungGeneration`, which sets it again.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  kept = true;
}

let kept = false;

/**
 * Starts a worker whose young generation starts at `semiSpaceMb` semi-spaces (its resource limits' maximum:
 * with the growth factor at 1 it could not grow there), and sets the growth factor back to 1 once the
 * worker's isolate exists. Does nothing special in a process that did not call `keepYoungGenerationSmall`
 * (a test's, an embedder's): the worker grows as V8 decides.
 */
export function startWithYoungGeneration(semiSpaceMb: number, start: () => Worker): Worker {
  if (!kept) return start();
  // read once, by the worker's isolate as it is configured: put back when the worker is up
  setFlagsFromString(`--min-semi-space-size=${semiSpaceMb}`);
  const worker = start();
  const restore = () => {
    setFlagsFromString('--min-semi-space-size=0');
    setFlagsFromString('--semi-space-growth-factor=1');
  };
  worker.once('online', restore);
  worker.once('error', restore);
  return worker;
}
