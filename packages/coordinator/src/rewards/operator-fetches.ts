import type { OperatorFetch, OperatorFetches } from '@sward/core';
import type { SqlDriver } from '../store/sql-driver.js';

/** The nodes an operator runs: enrolled under it, or a legacy node that is its own operator. */
export async function operatorNodeIds(db: SqlDriver, operator: string): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    'SELECT id FROM nodes WHERE operator = ? OR (operator IS NULL AND id = ?) ORDER BY id',
    [operator, operator],
  );
  return rows.map((r) => r.id);
}

/**
 * The fetches `operator`'s nodes made, newest first, `limit` at a time, older than the `before` cursor
 * (captures.seq). No job id or tenant: which customer a page was for is not the operator's business.
 */
export async function operatorFetches(
  db: SqlDriver,
  operator: string,
  q: { before?: number | undefined; limit: number },
): Promise<OperatorFetches> {
  const nodes = await operatorNodeIds(db, operator);
  if (nodes.length === 0) return { operator, fetches: [], next: null };
  const rows = await db.all<Record<string, unknown>>(
    `SELECT c.seq, c.id, c.node_id, c.requested_url, c.final_url, c.status, c.outcome, c.reason, c.body_length,
       c.fetched_at, r.points, r.clawed_back_at
     FROM captures c LEFT JOIN rw_captures r ON r.capture_id = c.id
     WHERE c.node_id IN (${nodes.map(() => '?').join(', ')})${q.before !== undefined ? ' AND c.seq < ?' : ''}
     ORDER BY c.seq DESC LIMIT ?`,
    [...nodes, ...(q.before !== undefined ? [q.before] : []), q.limit + 1],
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  return {
    operator,
    fetches: page.map(fetchOf),
    next: more ? Number(page[page.length - 1]?.seq) : null,
  };
}

const fetchOf = (r: Record<string, unknown>): OperatorFetch => ({
  captureId: String(r.id),
  nodeId: String(r.node_id),
  url: String(r.requested_url),
  finalUrl: String(r.final_url),
  status: Number(r.status),
  outcome: String(r.outcome),
  reason: (r.reason as string | null) ?? null,
  bytes: Number(r.body_length),
  fetchedAt: Number(r.fetched_at),
  points: r.points === null || r.points === undefined ? null : Number(r.points),
  clawedBack: r.clawed_back_at !== null && r.clawed_back_at !== undefined,
});
