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
   * Counts `count` units against `limit` in the window, or refuses (false) when they do not all fit. One
   * statement, atomic on both backends: two replicas racing for the last unit cannot both get it.
   */
  async take(
    subject: string,
    kind: QuotaKind,
    win: number,
    limit: number,
    tx: SqlExecutor = this.db,
    count = 1,
  ): Promise<boolean> {
    if (count > limit) return false;
    const r = await tx.run(
      `INSERT INTO quota_usage (subject, kind, win, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (subject, kind, win) DO UPDATE SET n = quota_usage.n + ? WHERE quota_usage.n + ? <= ?`,
      [subject, kind, win, count, count, count, limit],
    );
    return r.changes === 1;
  }

  /** Gives back `count` of what take() took in this window and was not used (a claim that took ahead). */
  async giveBack(subject: string, kind: QuotaKind, win: number, count: number, tx: SqlExecutor = this.db) {
    if (count <= 0) return;
    await tx.run('UPDATE quota_usage SET n = n - ? WHERE subject = ? AND kind = ? AND win = ? AND n >= ?', [
      count,
      subject,
      kind,
      win,
      count,
    ]);
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
