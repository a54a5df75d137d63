import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * Set on globalThis by `sward coordinator`'s bin (packages/cli/bin/sward.js) when it turned V8's
 * --optimize-for-size on for the process: only then does a thread's young generation need handing back.
 */
export const OPTIMIZE_FOR_SIZE_MARK = Symbol.for('sward.v8.optimizeForSize');

let starting = 0;

/**
 * Starts a worker thread whose young generation is its own `resourceLimits.maxYoungGenerationSizeMb`, in a
 * process running with --optimize-for-size. That flag implies `--max-semi-space-size=1` (1 MiB semi-spaces),
 * read when an isolate is created and winning over resourceLimits: the extraction thread then scavenges a
 * page's short-lived trees every 1 MiB, ~1.7x the CPU a page of V8's defaults (docs/BENCHMARKS.md, session 17,
 * rss2). So the flag is off, and the semi-space limit unset (0: resourceLimits decide), while the thread's
 * isolate is created, and back on once the thread runs ('online'): the rest of the flag (the old generation
 * collected when it has grown less, new space shrunk at mark-compacts) is read as the heap runs, and holds for
 * that isolate too, so its old generation stays near what it holds. Threads started together share one
 * window (the flag comes back when the last is online or gone); for that window the process runs with V8's
 * defaults (an isolate created then by anything else gets them too).
 */
export function startWithOwnYoungGeneration(start: () => Worker): Worker {
  if (!(globalThis as Record<symbol, unknown>)[OPTIMIZE_FOR_SIZE_MARK]) return start();
  if (starting++ === 0) {
    setFlagsFromString('--no-optimize-for-size');
    // an operator's own --max-semi-space-size is theirs: it applies to the thread instead
    if (!process.execArgv.some((a) => /^--max[-_]semi[-_]space[-_]size/.test(a)))
      setFlagsFromString('--max-semi-space-size=0');
  }
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    if (--starting === 0) setFlagsFromString('--optimize-for-size');
  };
  let w: Worker;
  try {
    w = start();
  } catch (e) {
    settle();
    throw e;
  }
  w.once('online', settle);
  w.once('exit', settle);
  return w;
}
