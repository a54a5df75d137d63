/**
 * Group commit: work items that reach their commit together share one transaction. `submit` queues an item;
 * the queue is committed at the turn's end (setImmediate), so every request whose bytes arrived in the same
 * poll phase, and whose checks ran without waiting on I/O, joins it; a lone item waits only for the rest of
 * that phase's callbacks. Items still on their way (`arriving`: a capture batch between its first check and
 * its submit, waiting on its blob writes) are waited for, `holdMs` at most from the group's first submit:
 * their commit would otherwise open a transaction of its own a few milliseconds later (at 16 requests in
 * flight over 4 nodes, most groups held one batch). `commit` answers the items of a group in their order, each
 * answer its own. When a group's commit throws (not a verdict on one item: commit gives those as answers),
 * nothing of it was written, and each item is committed again alone, so one item's failure is only its own.
 * Without `gather` (PostgreSQL, whose transactions run side by side) each item commits at once.
 */
export class CommitGroups<T, R> {
  private waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  /** Items announced by `arriving` and not yet submitted (or given up). */
  private onTheirWay = 0;
  /** When (performance.now) the waiting group's first item was submitted. */
  private since = 0;
  private turnEnd = false;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly commit: (items: readonly T[]) => Promise<R[]>,
    private readonly gather: boolean,
    private readonly holdMs = 0,
  ) {}

  submit(item: T): Promise<R> {
    if (!this.gather) return this.commit([item]).then((r) => r[0] as R);
    return new Promise<R>((resolve, reject) => {
      if (this.waiting.push({ item, resolve, reject }) === 1) {
        this.since = performance.now();
        this.atTurnEnd();
      }
    });
  }

  /**
   * Announces an item that will be submitted soon (or not at all); call the function returned when it is
   * submitted or given up (more calls do nothing). A waiting group is held for it, `holdMs` at most.
   */
  arriving(): () => void {
    if (!this.gather || this.holdMs <= 0) return () => {};
    this.onTheirWay++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.onTheirWay--;
      if (this.onTheirWay === 0 && this.waiting.length) this.atTurnEnd();
    };
  }

  /** Items announced and not yet submitted (tests). */
  get arrivingCount(): number {
    return this.onTheirWay;
  }

  private atTurnEnd(): void {
    if (this.turnEnd) return;
    this.turnEnd = true;
    setImmediate(() => {
      this.turnEnd = false;
      this.flushOrHold();
    });
  }

  private flushOrHold(): void {
    if (!this.waiting.length) return;
    const left = this.holdMs - (performance.now() - this.since);
    if (this.onTheirWay > 0 && left > 0) {
      this.holdTimer ??= setTimeout(() => {
        this.holdTimer = undefined;
        this.flushOrHold();
      }, Math.ceil(left));
      return;
    }
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    void this.flush();
  }

  private async flush(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    try {
      const answers = await this.commit(group.map((g) => g.item));
      for (const [k, g] of group.entries()) g.resolve(answers[k] as R);
    } catch (e) {
      if (group.length === 1) {
        group[0]?.reject(e);
        return;
      }
      for (const g of group) await this.commit([g.item]).then((r) => g.resolve(r[0] as R), g.reject);
    }
  }
}
