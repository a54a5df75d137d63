/**
 * Group commit: work items that reach their commit in one turn of the event loop share one transaction.
 * `submit` queues an item; the queue is committed at the turn's end (setImmediate), so every request whose
 * bytes arrived in the same poll phase, and whose checks ran without waiting on I/O, joins it; a lone item
 * waits only for the rest of that phase's callbacks. `commit` answers the items of a group in their order,
 * each answer its own. When a group's commit throws (not a verdict on one item: commit gives those as
 * answers), nothing of it was written, and each item is committed again alone, so one item's failure is
 * only its own. Without `gather` (PostgreSQL, whose transactions run side by side) each item commits at once.
 */
export class CommitGroups<T, R> {
  private waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly commit: (items: readonly T[]) => Promise<R[]>,
    private readonly gather: boolean,
  ) {}

  submit(item: T): Promise<R> {
    if (!this.gather) return this.commit([item]).then((r) => r[0] as R);
    return new Promise<R>((resolve, reject) => {
      if (this.waiting.push({ item, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
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
