import type { RunningCoordinator } from '@sward/coordinator';

/** Polls `fn` every 100 ms until it returns something truthy. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The job id of the first refresh of `collectionId` that started after `t`, once it has finished. */
export function refreshAfter(c: RunningCoordinator, collectionId: string, t: number): Promise<string> {
  return until(`a refresh started after ${new Date(t).toISOString()}`, async () => {
    const r = await c.store.db.get<{ job_id: string; finished_at: number | null }>(
      `SELECT job_id, finished_at FROM collection_rounds WHERE collection_id = ? AND started_at > ?
       ORDER BY started_at LIMIT 1`,
      [collectionId, t],
    );
    return r?.finished_at != null ? r.job_id : null;
  });
}

/** [url, change] of every change a refresh recorded, sorted. */
export async function changesIn(c: RunningCoordinator, jobId: string): Promise<[string, string][]> {
  const rows = await c.store.db.all<{ url: string; change: string }>(
    'SELECT url, change FROM collection_changes WHERE job_id = ? ORDER BY url, change',
    [jobId],
  );
  return rows.map((r) => [r.url, r.change]);
}

/**
 * [url, change] of every change recorded from `t` on by the refreshes up to and including `jobId`: a
 * refresh already running at `t` may see part of a change made then, the next one sees the rest.
 */
export async function changesSince(
  c: RunningCoordinator,
  collectionId: string,
  t: number,
  jobId: string,
): Promise<[string, string][]> {
  const rows = await c.store.db.all<{ url: string; change: string }>(
    `SELECT ch.url, ch.change FROM collection_changes ch JOIN collection_rounds r ON r.job_id = ch.job_id
     WHERE ch.collection_id = ? AND ch.detected_at >= ?
       AND r.started_at <= (SELECT started_at FROM collection_rounds WHERE job_id = ?)
     ORDER BY ch.url, ch.change`,
    [collectionId, t, jobId],
  );
  return rows.map((r) => [r.url, r.change]);
}
