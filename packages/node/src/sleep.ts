/** Resolves after `ms`, or at once when `signal` aborts (never rejects: callers check their own state). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wakeableSleep(ms, signal).done;
}

export interface WakeableSleep {
  /** Settles after `ms`, when the signal aborts, or on `wake()`, whichever comes first. */
  readonly done: Promise<void>;
  /** Ends the sleep now; a no-op once it has ended. */
  wake(): void;
}

/**
 * A sleep that can also be ended by its caller. Whatever ends it clears its timer and its abort listener:
 * a wait raced against another promise and left behind would keep both until its full `ms`, and a loop
 * that waits like that per event piles up listeners on a long-lived signal (a node's stop signal collected
 * 65 of them in a crawl: MaxListenersExceededWarning) and timers, growing with the rate it works at.
 */
export function wakeableSleep(ms: number, signal?: AbortSignal): WakeableSleep {
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    const timer = setTimeout(end, ms);
    signal?.addEventListener('abort', end, { once: true });
    wake = end;
  });
  return { done, wake: () => wake() };
}

/**
 * The node's wait between calls to a coordinator that does not answer (uploads, lease calls, a session opened
 * again): attempt 0 → base/2 to base, doubling to max/2 to max (half of it jitter). A few seconds at most, so
 * a node resumes within seconds of a coordinator's restart; doubling up to a minute left one idle for 47 s
 * after a short restart (docs/BENCHMARKS.md, session 19, docs). One call per 2.5-5 s is no load on one that
 * is down.
 */
export function backoffMs(attempt: number, baseMs = 500, maxMs = 5000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.floor(ceiling / 2 + (Math.random() * ceiling) / 2);
}
