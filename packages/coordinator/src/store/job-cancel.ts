import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/** urls.reason of a URL its job's cancel closed, queued or leased: a late capture for it is named by it. */
export const CANCELLED_REASON = 'cancelled';
const CANCELLED_DETAIL = 'the job was cancelled before this URL was answered';

/** What a cancel found: the job's id and state before, or nothing (no such job of that tenant). */
export type CancelFound = { id: string; state: string; collectionId: string | null } | undefined;

/**
 * Cancels a tenant's running job in one transaction: the job becomes `cancelled`, and its queued and leased
 * URLs `skipped` with reason `cancelled`. A leased row keeps its lease id, so a capture the node uploads
 * later is refused by name (ingest checkLease) rather than as a lease never issued; its price hold stops
 * counting with the lease (payment-store.ts). Hosts stay busy until the lease deadlines: the node may still
 * be fetching, and the site must not see a second request meanwhile. Spot checks of the job's captures are
 * left alone: they judge nodes, not the customer's crawl. A finished job, a cancelled one and a live
 * collection's refresh are answered as found, unchanged; the caller says which is an error.
 */
export async function cancelJob(
  db: SqlDriver,
  tenant: string,
  id: string,
  now: number,
): Promise<CancelFound> {
  return db.transaction(async (tx) => {
    const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    // PostgreSQL: URL rows before the job row, the order ingest takes them in (no deadlock between the two).
    if (db.dialect === 'postgres')
      await tx.all(
        `SELECT id FROM urls WHERE job_id = ? AND state IN ('queued', 'leased') ORDER BY id${lock}`,
        [id],
      );
    const job = await tx.get<{ id: string; state: string; collection_id: string | null }>(
      `SELECT id, state, collection_id FROM jobs WHERE id = ? AND tenant_id = ?${lock}`,
      [id, tenant],
    );
    if (!job) return undefined;
    const found = { id: job.id, state: job.state, collectionId: job.collection_id };
    if (job.state !== 'running' || job.collection_id !== null) return found;
    await tx.run(
      `UPDATE urls SET state = 'skipped', reason = ?, detail = ?, updated_at = ?
       WHERE job_id = ? AND state IN ('queued', 'leased') AND kind <> 'spotcheck'`,
      [CANCELLED_REASON, CANCELLED_DETAIL, now, id],
    );
    await tx.run(
      "UPDATE jobs SET state = 'cancelled', captured_at = COALESCE(captured_at, ?) WHERE id = ? AND state = 'running'",
      [now, id],
    );
    await finishCancelled(tx, id, now);
    return found;
  });
}

/** A cancelled job is finished once the documents of the pages it stored are made (finishedAt: output ready). */
export async function finishCancelled(tx: SqlExecutor, jobId: string, now: number): Promise<void> {
  const extracting = await tx.get('SELECT 1 AS x FROM extract_queue WHERE job_id = ? LIMIT 1', [jobId]);
  if (!extracting)
    await tx.run(
      "UPDATE jobs SET finished_at = ? WHERE id = ? AND state = 'cancelled' AND finished_at IS NULL",
      [now, jobId],
    );
}
