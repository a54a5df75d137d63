import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/** A stored capture of a URL another job made, with what reuse must know of it and its job. */
export interface ArchivedCapture {
  id: string;
  jobId: string;
  nodeId: string;
  finalUrl: string;
  fetchedAt: number;
  signed: string;
  /** The tenant the capture was made for, and its job's options (JSON) as stored. */
  tenant: string;
  jobOptions: string;
  /** The links of its document, when one was made (the crawl follows them as it would a fetched page). */
  doc: string | null;
}

/**
 * The archive as archive reuse reads it (scheduler/archive-reuse.ts): the crawl jobs' stored captures, and
 * which of them a job took instead of fetching (job_reuses).
 */
export class ArchiveStore {
  constructor(private readonly db: SqlDriver) {}

  /**
   * The newest stored captures requested at `url` no older than `since`, newest first: in the log already
   * (a reused row carries the same inclusion proof), made by a crawl job (a collection's refreshes hold
   * conditional answers), never flagged by a spot check, and with no document still being made.
   */
  async candidates(tx: SqlExecutor, url: string, since: number, limit: number): Promise<ArchivedCapture[]> {
    const rows = await tx.all<Record<string, unknown>>(
      `SELECT c.id, c.job_id, c.node_id, c.final_url, c.fetched_at, c.signed, j.tenant_id, j.options, d.doc
       FROM captures c JOIN jobs j ON j.id = c.job_id LEFT JOIN documents d ON d.capture_id = c.id
       WHERE c.requested_url = ? AND c.fetched_at >= ? AND c.outcome = 'stored' AND c.flagged = 0
         AND c.leaf_index IS NOT NULL AND j.collection_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM extract_queue q WHERE q.capture_id = c.id)
       ORDER BY c.fetched_at DESC LIMIT ?`,
      [url, since, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      jobId: String(r.job_id),
      nodeId: String(r.node_id),
      finalUrl: String(r.final_url),
      fetchedAt: Number(r.fetched_at),
      signed: String(r.signed),
      tenant: (r.tenant_id as string | null) ?? 'default',
      jobOptions: String(r.options),
      doc: (r.doc as string | null) ?? null,
    }));
  }

  /** True when the job already holds a page with this final URL (fetched, or taken from the archive). */
  async holdsFinalUrl(tx: SqlExecutor, jobId: string, finalUrl: string): Promise<boolean> {
    const r = await tx.get(
      `SELECT 1 AS x FROM captures c WHERE c.final_url = ? AND c.outcome = 'stored'
         AND (c.job_id = ? OR c.id IN (SELECT r.capture_id FROM job_reuses r WHERE r.job_id = ?)) LIMIT 1`,
      [finalUrl, jobId, jobId],
    );
    return r !== undefined;
  }

  /** The capture a job took from the archive whose final URL is `finalUrl`, if any. */
  async reusedWithFinalUrl(tx: SqlExecutor, jobId: string, finalUrl: string): Promise<string | null> {
    const r = await tx.get<{ id: string }>(
      `SELECT c.id FROM job_reuses r JOIN captures c ON c.id = r.capture_id
       WHERE r.job_id = ? AND c.final_url = ? AND c.outcome = 'stored' LIMIT 1`,
      [jobId, finalUrl],
    );
    return r?.id ?? null;
  }

  /** Records that `jobId` took `captureId` for its URL row `urlId`; false when it had already. */
  async record(tx: SqlExecutor, jobId: string, urlId: number, captureId: string): Promise<boolean> {
    const r = await tx.run(
      `INSERT INTO job_reuses (job_id, capture_id, url_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (job_id, capture_id) DO NOTHING`,
      [jobId, captureId, urlId, Date.now()],
    );
    return r.changes > 0;
  }

  /** How many of a job's stored pages it took from the archive. */
  async reusedCount(jobId: string): Promise<number> {
    const r = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM job_reuses r JOIN captures c ON c.id = r.capture_id
       WHERE r.job_id = ? AND c.outcome = 'stored'`,
      [jobId],
    );
    return Number(r?.n ?? 0);
  }

  /** Of these captures, those the given jobs took from the archive (a build's rows: fetched or reused). */
  async reusedAmong(jobIds: readonly string[], captureIds: readonly string[]): Promise<Set<string>> {
    if (jobIds.length === 0 || captureIds.length === 0) return new Set();
    const rows = await this.db.all<{ capture_id: string }>(
      `SELECT DISTINCT capture_id FROM job_reuses WHERE job_id IN (${jobIds.map(() => '?').join(',')})
         AND capture_id IN (${captureIds.map(() => '?').join(',')})`,
      [...jobIds, ...captureIds],
    );
    return new Set(rows.map((r) => r.capture_id));
  }
}
