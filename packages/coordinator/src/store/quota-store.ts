import type { SqlDriver, SqlExecutor } from './sql-driver.js';

export type QuotaKind = 'requests' | 'pages';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** The start of the fixed window holding `now` (UTC minutes and days). */
export const windowStart = (now: number, size: number): number => Math.floor(now / size) * size;

/**
 * Usage counters in the database, so every coordinator replica on one PostgreSQL counts against the
 * same number. A window is fixed (a UTC minute for requests, a UTC day for pages): simple, one row per
 * key and window, at the price of a burst of up to twice the rate across a window's edge.
 */
export class QuotaStore {
  constructor(private readonly db: SqlDriver) {}

  /**
   * Counts one unit against `limit` in the window, or refuses (false) when the window is full. One
   * statement, atomic on both backends: two replicas racing for the last unit cannot both get it.
   */
  async take(subject: string, kind: QuotaKind, win: number, limit: number, tx: SqlExecutor = this.db) {
    const r = await tx.run(
      `INSERT INTO quota_usage (subject, kind, win, n) VALUES (?, ?, ?, 1)
       ON CONFLICT (subject, kind, win) DO UPDATE SET n = quota_usage.n + 1 WHERE quota_usage.n < ?`,
      [subject, kind, win, limit],
    );
    return r.changes === 1;
  }

  /**
   * take() for the request counter, which is not worth a disk flush per request: on PostgreSQL its commit
   * does not wait for the WAL (synchronous_commit off for this transaction only), so a crash may forget
   * the last few counts. It halved the counter's cost per request (docs/BENCHMARKS.md, authorisation).
   */
  async takeUnflushed(subject: string, kind: QuotaKind, win: number, limit: number): Promise<boolean> {
    if (this.db.dialect !== 'postgres') return this.take(subject, kind, win, limit);
    // set_config(…, true) lasts for this statement's own transaction: one round trip, no flush wait.
    const r = await this.db.run(
      `INSERT INTO quota_usage (subject, kind, win, n)
       SELECT ?, ?, ?, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed
       ON CONFLICT (subject, kind, win) DO UPDATE SET n = quota_usage.n + 1 WHERE quota_usage.n < ?`,
      [subject, kind, win, limit],
    );
    return r.changes === 1;
  }

  async used(subject: string, kind: QuotaKind, win: number): Promise<number> {
    const r = await this.db.get<{ n: number }>(
      'SELECT n FROM quota_usage WHERE subject = ? AND kind = ? AND win = ?',
      [subject, kind, win],
    );
    return Number(r?.n ?? 0);
  }

  /** Drops counters of windows that ended before `before`; they decide nothing any more. */
  async prune(kind: QuotaKind, before: number): Promise<void> {
    await this.db.run('DELETE FROM quota_usage WHERE kind = ? AND win < ?', [kind, before]);
  }
}
