import type { SqlExecutor } from './sql-driver.js';

/** What a hand-back needs of the frontier: freeing an origin sets its next request time in one place. */
export interface HostReleaser {
  releaseHost(tx: SqlExecutor, origin: string, now: number): Promise<void>;
}

/**
 * `detail = …` for a URL row put back in the queue with a new detail (the `?`): a spot check's row keeps its own,
 * the task it runs (spot-check/task.ts).
 */
export const KEEP_TASK = "CASE WHEN kind = 'spotcheck' THEN detail ELSE ? END";

/** Why a URL went back to the queue without an answer (urls.reason while it waits). */
export type HandBackReason = 'handed_back' | 'node_gone';

const DETAIL: Record<HandBackReason, string> = {
  handed_back: 'the node handed the lease back unanswered (stopping or restarted)',
  node_gone: 'the node stopped sending heartbeats; taken for gone',
};

/**
 * Puts every lease `nodeId` holds, but those named in `keep`, back in the queue at once, without counting
 * an attempt (the site did not fail; the node left), and frees their origins: unlike a revoked node's,
 * these hosts are not kept busy until the lease deadline, because the node said it stopped fetching (a
 * hand-back) or is gone (no heartbeat), and a healthy node must not sit idle meanwhile. A capture the node
 * uploads later for one of these leases is refused as LEASE_NOT_HELD, so a URL is never stored twice.
 * Returns the job ids touched.
 */
export async function handBackNodeLeases(
  tx: SqlExecutor,
  frontier: HostReleaser,
  lockClause: string,
  nodeId: string,
  reason: HandBackReason,
  now: number,
  keep: ReadonlySet<string> = new Set(),
): Promise<{ count: number; jobs: Set<string> }> {
  const rows = await tx.all<{ id: number; job_id: string; origin: string; lease_id: string }>(
    `SELECT id, job_id, origin, lease_id FROM urls WHERE state = 'leased' AND leased_to = ?${lockClause}`,
    [nodeId],
  );
  const jobs = new Set<string>();
  const origins = new Set<string>();
  let count = 0;
  for (const r of rows) {
    if (keep.has(r.lease_id)) continue;
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = ?, detail = ${KEEP_TASK}, lease_id = NULL, leased_to = NULL,
         lease_deadline = NULL, not_before = ?, updated_at = ? WHERE id = ? AND state = 'leased'`,
      [reason, DETAIL[reason], now, now, r.id],
    );
    jobs.add(r.job_id);
    origins.add(r.origin);
    count++;
  }
  for (const origin of origins) await frontier.releaseHost(tx, origin, now);
  return { count, jobs };
}

/** Nodes that hold leases and were last heard from before `cutoff` (wall clock, as nodes.last_seen). */
export async function silentLeaseHolders(tx: SqlExecutor, cutoff: number): Promise<string[]> {
  const rows = await tx.all<{ node_id: string }>(
    `SELECT DISTINCT u.leased_to AS node_id FROM urls u JOIN nodes n ON n.id = u.leased_to
     WHERE u.state = 'leased' AND n.last_seen IS NOT NULL AND n.last_seen < ?`,
    [cutoff],
  );
  return rows.map((r) => r.node_id);
}
