import type { SqlExecutor } from './sql-driver.js';

/** Where a policy verdict came from: a node's signed answer, or a failure to get one. */
export interface PolicySource {
  url: string;
  /** The accepted capture of the answer; null when the node got no HTTP answer. */
  captureId: string | null;
  status: number | null;
  bodySha256: string | null;
  fetchedAt: number;
  /** Why there is no answer (the node's failure code and message). */
  detail: string | null;
}

export interface PolicyDocRow extends PolicySource {
  id: number;
  origin: string;
  kind: 'robots' | 'tdmrep' | 'rsl';
  /** The text the verdict was read from (robots.txt as kept, tdmrep.json, an RSL licence), null when none. */
  body: string | null;
  /** robots: fetched, allow-all or disallow-all; tdmrep: fetched or none. */
  state: string;
}

/** Records one policy answer and returns its id, which hosts and the decisions made from it point at. */
export async function insertPolicyDoc(
  tx: SqlExecutor,
  origin: string,
  kind: PolicyDocRow['kind'],
  state: string,
  body: string | null,
  s: PolicySource,
): Promise<number> {
  const r = await tx.get<{ id: number }>(
    `INSERT INTO policy_docs (origin, kind, url, capture_id, status, body_sha256, body, state, detail, fetched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [origin, kind, s.url, s.captureId, s.status, s.bodySha256, body, state, s.detail, s.fetchedAt],
  );
  return Number(r?.id);
}

/** The reason and detail of a URL skipped because tdmrep.json reserves it (a header reservation differs). */
export const TDMREP_FILE_SKIP = { reason: 'tdmrep', detail: 'reserved by /.well-known/tdmrep.json' } as const;

/** What one policy document decided for a job's URLs. */
export type PolicyDecision = 'allowed' | 'disallowed' | 'crawl_delay_too_long' | 'reserved' | 'not_reserved';

export interface PolicyUse {
  doc: number;
  decision: PolicyDecision;
  n: number;
}

/** The job's URL decisions counted per robots.txt / tdmrep.json answer they were made from. */
export async function policyUses(tx: SqlExecutor, jobId: string): Promise<PolicyUse[]> {
  const robots = await tx.all<{ doc: number; decision: PolicyDecision; n: number }>(
    `SELECT robots_doc AS doc, CASE
       WHEN state = 'skipped' AND reason IN ('robots', 'robots_unavailable') THEN 'disallowed'
       WHEN state = 'skipped' AND reason = 'crawl_delay_too_long' THEN 'crawl_delay_too_long'
       ELSE 'allowed' END AS decision, count(*) AS n
     FROM urls WHERE job_id = ? AND robots_doc IS NOT NULL GROUP BY 1, 2`,
    [jobId],
  );
  const tdm = await tx.all<{ doc: number; decision: PolicyDecision; n: number }>(
    `SELECT tdmrep_doc AS doc, CASE WHEN state = 'skipped' AND reason = ? AND detail = ? THEN 'reserved'
       ELSE 'not_reserved' END AS decision, count(*) AS n
     FROM urls WHERE job_id = ? AND tdmrep_doc IS NOT NULL GROUP BY 1, 2`,
    [TDMREP_FILE_SKIP.reason, TDMREP_FILE_SKIP.detail, jobId],
  );
  return [...robots, ...tdm].map((r) => ({
    doc: Number(r.doc),
    decision: r.decision,
    n: Number(r.n),
  }));
}

export async function policyDocs(tx: SqlExecutor, ids: readonly number[]): Promise<PolicyDocRow[]> {
  if (ids.length === 0) return [];
  const rows = await tx.all<Record<string, unknown>>(
    `SELECT * FROM policy_docs WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY id`,
    ids,
  );
  return rows.map(policyDocRow);
}

/** The latest answer recorded for each of these RSL licence URLs, by URL (a URL never answered is absent). */
export async function latestLicences(
  tx: SqlExecutor,
  urls: readonly string[],
): Promise<Map<string, PolicyDocRow>> {
  if (urls.length === 0) return new Map();
  const rows = await tx.all<Record<string, unknown>>(
    `SELECT * FROM policy_docs WHERE kind = 'rsl' AND url IN (${urls.map(() => '?').join(',')}) ORDER BY id`,
    urls,
  );
  const out = new Map<string, PolicyDocRow>();
  for (const r of rows) out.set(String(r.url), policyDocRow(r));
  return out;
}

function policyDocRow(r: Record<string, unknown>): PolicyDocRow {
  return {
    id: Number(r.id),
    origin: String(r.origin),
    kind: r.kind as PolicyDocRow['kind'],
    url: String(r.url),
    captureId: (r.capture_id as string | null) ?? null,
    status: r.status == null ? null : Number(r.status),
    bodySha256: (r.body_sha256 as string | null) ?? null,
    body: (r.body as string | null) ?? null,
    state: String(r.state),
    detail: (r.detail as string | null) ?? null,
    fetchedAt: Number(r.fetched_at),
  };
}

/** Reasons a publisher's usage preference gives (policy/usage-rights.ts), as SQL LIKE patterns. */
const USAGE_REASONS = ['aipref:%', 'content-signal:%', 'rsl:%'];

/** The job's URLs refused by a usage preference, per robots.txt answer they were leased or skipped under. */
export async function usageRefusals(
  tx: SqlExecutor,
  jobId: string,
): Promise<{ doc: number; reason: string; n: number }[]> {
  const rows = await tx.all<{ doc: number; reason: string; n: number }>(
    `SELECT robots_doc AS doc, reason, count(*) AS n FROM urls
     WHERE job_id = ? AND state = 'skipped' AND robots_doc IS NOT NULL
       AND (${USAGE_REASONS.map(() => 'reason LIKE ?').join(' OR ')})
     GROUP BY 1, 2`,
    [jobId, ...USAGE_REASONS],
  );
  return rows.map((r) => ({ doc: Number(r.doc), reason: String(r.reason), n: Number(r.n) }));
}

/** RSL licences recorded for the origins of a job's URLs: what its decisions may have read. */
export async function jobLicenceDocs(tx: SqlExecutor, jobId: string): Promise<number[]> {
  const rows = await tx.all<{ id: number }>(
    `SELECT id FROM policy_docs WHERE kind = 'rsl'
       AND origin IN (SELECT DISTINCT origin FROM urls WHERE job_id = ?) ORDER BY id`,
    [jobId],
  );
  return rows.map((r) => Number(r.id));
}
