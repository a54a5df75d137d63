/**
 * Wakes lease long-polls when something may have become leasable in this process: a capture's links
 * enqueued, an origin released by its answer, a failure sent back for a retry, a lease handed back, a new
 * job. A waiting long-poll then asks the database once, instead of asking every 25 ms whether anything
 * changed (each ask is a claim transaction: the coordinator's main thread spent its time on those while
 * nodes waited). What this process cannot see (a peer coordinator's enqueue on the same PostgreSQL, a lease
 * deadline passing) is still found by the waiter's own timer, which its caller bounds.
 */
export class WorkSignal {
  private waiters = new Set<() => void>();

  /** Wakes every waiter now. */
  wake(): void {
    const waiting = this.waiters;
    if (waiting.size === 0) return;
    this.waiters = new Set();
    for (const w of waiting) w();
  }

  /** Resolves on the next wake(), after `ms`, or when `signal` aborts, whichever comes first. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      if (signal?.aborted) return done();
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /** How many long-polls wait (tests). */
  get waiting(): number {
    return this.waiters.size;
  }
}
