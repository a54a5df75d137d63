import type { Freshness, RefreshStats } from '@sward/core';
import type { SqlExecutor } from '../store/sql-driver.js';

const WEEK = 7 * 86_400_000;

/** How fresh a collection is: change-to-searchable lag, oldest page, last refresh, failures. */
export async function freshnessOf(
  db: SqlExecutor,
  collectionId: string,
  now = Date.now(),
): Promise<Freshness> {
  const lags = (
    await db.all<{ lag: number }>(
      `SELECT detected_at - source_changed_at AS lag FROM collection_changes
       WHERE collection_id = ? AND detected_at >= ? AND change <> 'removed' AND source_changed_at IS NOT NULL
       ORDER BY lag`,
      [collectionId, now - WEEK],
    )
  ).map((r) => Math.max(0, Number(r.lag)));
  const undated = await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM collection_changes
     WHERE collection_id = ? AND detected_at >= ? AND (change = 'removed' OR source_changed_at IS NULL)`,
    [collectionId, now - WEEK],
  );
  const oldest = await db.get<{ t: number | null }>(
    'SELECT min(COALESCE(checked_at, fetched_at)) AS t FROM collection_pages WHERE collection_id = ?',
    [collectionId],
  );
  const rounds = await db.all<Record<string, unknown>>(
    'SELECT * FROM collection_rounds WHERE collection_id = ? ORDER BY started_at DESC LIMIT 2',
    [collectionId],
  );
  const last = rounds[0];
  const lastFinished = rounds.find((r) => r.finished_at != null);
  const failedSources = await db.all<{ url: string; last_error: string; last_fetched_at: number | null }>(
    'SELECT url, last_error, last_fetched_at FROM collection_sources WHERE collection_id = ? AND last_error IS NOT NULL',
    [collectionId],
  );
  const failedPages = lastFinished
    ? await db.all<{ url: string; reason: string | null; detail: string | null }>(
        "SELECT url, reason, detail FROM urls WHERE job_id = ? AND state = 'failed' ORDER BY id LIMIT 100",
        [String(lastFinished.job_id)],
      )
    : [];
  const unpaidPages = lastFinished
    ? await db.all<{ url: string; reason: string | null; detail: string | null }>(
        `SELECT url, reason, detail FROM urls WHERE job_id = ? AND state = 'skipped'
           AND reason IN ('creator:price-above-max', 'creator:budget-exhausted') ORDER BY id LIMIT 100`,
        [String(lastFinished.job_id)],
      )
    : [];
  const pick = (q: number) => lags[Math.min(lags.length - 1, Math.ceil(q * lags.length) - 1)] ?? 0;
  return {
    changeToSearchableMs: lags.length
      ? { p50: pick(0.5), p95: pick(0.95), max: lags[lags.length - 1] ?? 0, n: lags.length }
      : null,
    undatedChanges: Number(undated?.n ?? 0),
    oldestPageAgeMs: oldest?.t == null ? null : Math.max(0, now - Number(oldest.t)),
    lastRefresh: last
      ? {
          jobId: String(last.job_id),
          startedAt: Number(last.started_at),
          finishedAt: last.finished_at == null ? null : Number(last.finished_at),
          stats: last.stats ? (JSON.parse(String(last.stats)) as RefreshStats) : null,
          webhook: last.webhook_state
            ? {
                state: String(last.webhook_state),
                error: last.webhook_result
                  ? ((JSON.parse(String(last.webhook_result)) as { error: string | null }).error ?? null)
                  : null,
              }
            : null,
        }
      : null,
    failedSources: failedSources.map((s) => ({
      url: s.url,
      error: s.last_error,
      at: s.last_fetched_at == null ? null : Number(s.last_fetched_at),
    })),
    failedPages,
    unpaidPages,
  };
}
