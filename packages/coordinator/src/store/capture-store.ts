import { usageOf } from '@sward/core';
import { inChunks, marks, valuesList } from './multi-row.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import type { CaptureRow, SkipRow, SkipRowWithSources } from './types.js';

/**
 * Where a listing of a job's pages stopped: the last leaf listed, and once the logged pages are listed
 * (seq not null) the last seq of the pages listed after them.
 */
export interface PageCursor {
  leaf: number;
  seq: number | null;
}

export interface NewCapture {
  id: string;
  jobId: string;
  urlId: number;
  nodeId: string;
  leaseId: string;
  requestedUrl: string;
  finalUrl: string;
  status: number;
  contentType: string | null;
  bodySha256: string;
  bodyLength: number;
  fetchedAt: number;
  signed: string;
  outcome: 'stored' | 'unchanged' | 'skipped' | 'failed' | 'retry' | 'policy' | 'spotcheck' | 'refuted';
  reason: string | null;
}

/**
 * A job's stored pages: the captures it made, and those it took from the archive (job_reuses). `c` is the
 * captures alias; the two parameters are the job id twice.
 */
const OF_JOB = `(c.job_id = ? OR c.id IN (SELECT r.capture_id FROM job_reuses r WHERE r.job_id = ?))`;
/** 1 when the row is a page the job took from the archive; the parameter is the job id. */
const REUSED_COL = 'CASE WHEN c.job_id = ? THEN 0 ELSE 1 END AS reused_row';

/** Accepted captures (every node answer the coordinator kept, stored or not) and the crawl's output rows. */
export class CaptureStore {
  constructor(private readonly db: SqlDriver) {}

  async insert(tx: SqlExecutor, c: NewCapture): Promise<void> {
    await this.insertMany(tx, [c]);
  }

  /** insert() for a batch of captures: one multi-row statement (per MULTI_ROW_CHUNK). */
  async insertMany(tx: SqlExecutor, list: readonly NewCapture[]): Promise<void> {
    const now = Date.now();
    await inChunks(tx, list, (chunk) => [
      `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, content_type,
         body_sha256, body_length, fetched_at, signed, outcome, reason, created_at)
       VALUES ${valuesList(chunk.length, Array(16).fill('?'))}`,
      chunk.flatMap((c) => [
        c.id,
        c.jobId,
        c.urlId,
        c.nodeId,
        c.leaseId,
        c.requestedUrl,
        c.finalUrl,
        c.status,
        c.contentType,
        c.bodySha256,
        c.bodyLength,
        c.fetchedAt,
        c.signed,
        c.outcome,
        c.reason,
        now,
      ]),
    ]);
  }

  /** The stored captures of a job at any of these final URLs, by final URL (storedWithFinalUrl for a batch). */
  async storedWithFinalUrls(
    tx: SqlExecutor,
    jobId: string,
    finalUrls: readonly string[],
  ): Promise<Map<string, CaptureRow>> {
    const rows = await inChunks(tx, [...new Set(finalUrls)], (chunk) => [
      `SELECT * FROM captures WHERE job_id = ? AND outcome = 'stored' AND final_url IN (${marks(chunk.length)})`,
      [jobId, ...chunk],
    ]);
    return new Map(rows.map((r) => [String(r.final_url), mapCapture(r)]));
  }

  /** Captures by id in one statement (ids with no capture are missing from the map). */
  async byIds(ids: readonly string[], tx: SqlExecutor = this.db): Promise<Map<string, CaptureRow>> {
    const rows = await inChunks(tx, [...new Set(ids)], (chunk) => [
      `SELECT * FROM captures WHERE id IN (${marks(chunk.length)})`,
      [...chunk],
    ]);
    return new Map(rows.map((r) => [String(r.id), mapCapture(r)]));
  }

  /** The capture stored as the page at `finalUrl` in a job (at most one: captures_stored_once). */
  async storedWithFinalUrl(
    tx: SqlExecutor,
    jobId: string,
    finalUrl: string,
  ): Promise<CaptureRow | undefined> {
    const r = await tx.get<Record<string, unknown>>(
      "SELECT * FROM captures WHERE job_id = ? AND final_url = ? AND outcome = 'stored'",
      [jobId, finalUrl],
    );
    return r ? mapCapture(r) : undefined;
  }

  /**
   * A stored page gives way to a capture that proves its URL better: it becomes a duplicate (its document
   * leaves the output with it), and its URL row says which capture replaced it.
   */
  async supersede(tx: SqlExecutor, id: string, by: string): Promise<void> {
    const detail = `same final URL as capture ${by}, which fetched it directly`;
    await tx.run("UPDATE captures SET outcome = 'skipped', reason = 'duplicate' WHERE id = ?", [id]);
    await tx.run(
      "UPDATE urls SET state = 'skipped', reason = 'duplicate', detail = ? WHERE capture_id = ? AND state = 'stored'",
      [detail, id],
    );
  }

  /**
   * The page URL a capture answered for its job, when the capture is (or was, until a duplicate claim
   * demoted it) that URL's page: what a refuted capture leaves empty. Not a URL another job settled with the
   * capture from the archive (reason `archive`): the capture answered only its own job's URL.
   */
  async pageUrlOf(
    tx: SqlExecutor,
    captureId: string,
  ): Promise<{ id: number; jobId: string; state: string; reason: string | null } | undefined> {
    const r = await tx.get<{ id: number; job_id: string; state: string; reason: string | null }>(
      `SELECT u.id, u.job_id, u.state, u.reason FROM urls u JOIN jobs j ON j.id = u.job_id
       WHERE u.capture_id = ? AND u.kind = 'page' AND j.collection_id IS NULL
         AND (u.reason IS NULL OR u.reason <> 'archive')`,
      [captureId],
    );
    return r ? { id: Number(r.id), jobId: r.job_id, state: r.state, reason: r.reason } : undefined;
  }

  /** A capture a spot check proved false leaves every output; it stays in the log, where it was signed. */
  async refute(tx: SqlExecutor, id: string, by: string): Promise<void> {
    await tx.run("UPDATE captures SET outcome = 'refuted', reason = ?, flagged = 1 WHERE id = ?", [
      `proved false by spot check capture ${by}`,
      id,
    ]);
  }

  /** A checker's capture of a URL becomes that URL's page in a job, in the place of a refuted one. */
  async adopt(tx: SqlExecutor, id: string, page: { urlId: number; jobId: string }, detail: string) {
    await tx.run("UPDATE captures SET job_id = ?, url_id = ?, outcome = 'stored', reason = ? WHERE id = ?", [
      page.jobId,
      page.urlId,
      detail,
      id,
    ]);
  }

  async byId(id: string, tx: SqlExecutor = this.db): Promise<CaptureRow | undefined> {
    const r = await tx.get<Record<string, unknown>>('SELECT * FROM captures WHERE id = ?', [id]);
    return r ? mapCapture(r) : undefined;
  }

  async insertDocument(tx: SqlExecutor, captureId: string, jobId: string, doc: unknown): Promise<void> {
    await tx.run('INSERT INTO documents (capture_id, job_id, doc, created_at) VALUES (?, ?, ?, ?)', [
      captureId,
      jobId,
      JSON.stringify(doc),
      Date.now(),
    ]);
  }

  /** Extracted documents of a job's stored pages, in ingest order. */
  async documents(jobId: string, afterSeq: number, limit: number) {
    const rows = await this.db.all<{
      doc: string;
      seq: number;
      id: string;
      leaf_index: number | null;
      body_sha256: string;
      requested_url: string;
      final_url: string;
      signed: string;
    }>(
      `SELECT d.doc, c.seq, c.id, c.leaf_index, c.body_sha256, c.requested_url, c.final_url, c.signed
       FROM documents d JOIN captures c ON c.id = d.capture_id
       WHERE (d.job_id = ? OR d.capture_id IN (SELECT r.capture_id FROM job_reuses r WHERE r.job_id = ?))
         AND c.seq > ? AND c.outcome = 'stored' ORDER BY c.seq LIMIT ?`,
      [jobId, jobId, afterSeq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      captureId: r.id,
      leafIndex: r.leaf_index == null ? null : Number(r.leaf_index),
      bodySha256: r.body_sha256,
      // a future dataset build (#16) keeps only documents whose usage.train is allow
      usage: usageOf(JSON.parse(r.signed)),
      document: JSON.parse(r.doc) as Record<string, unknown>,
      /** For the caller's checks (takedowns); the API does not serve these two. */
      url: r.requested_url,
      finalUrl: r.final_url,
    }));
  }

  /**
   * Stored pages of a job in log (leaf) order, `limit` at a time after `cursor` (null: from the start).
   * Acceptance order (seq) is not log order on PostgreSQL: seq is taken at INSERT, but the sequencer gives
   * leaves in the order transactions commit it sees, so a capture whose transaction commits late gets a
   * later leaf than captures with larger seqs. A proof bundle's rows must come in leaf order.
   * Pages still waiting for their leaf (sealing a job gives every page one) follow, in seq order; leaves
   * only grow, so a page that gets its leaf while a listing is under way is still listed exactly once.
   */
  async pages(
    jobId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<{ rows: CaptureRow[]; next: PageCursor | null }> {
    const c = cursor ?? { leaf: -1, seq: null };
    const rows: CaptureRow[] = [];
    if (c.seq === null) {
      const logged = await this.db.all<Record<string, unknown>>(
        `SELECT c.*, ${REUSED_COL} FROM captures c WHERE ${OF_JOB} AND c.outcome = 'stored' AND c.leaf_index > ?
         ORDER BY c.leaf_index LIMIT ?`,
        [jobId, jobId, jobId, c.leaf, limit],
      );
      rows.push(...logged.map(mapCapture));
      if (rows.length === limit) return { rows, next: { leaf: rows.at(-1)?.leafIndex as number, seq: null } };
    }
    const leaf = rows.length ? (rows.at(-1)?.leafIndex as number) : c.leaf;
    const pending = await this.db.all<Record<string, unknown>>(
      `SELECT c.*, ${REUSED_COL} FROM captures c WHERE ${OF_JOB} AND c.outcome = 'stored' AND c.seq > ?
         AND (c.leaf_index IS NULL OR c.leaf_index > ?) ORDER BY c.seq LIMIT ?`,
      [jobId, jobId, jobId, c.seq ?? 0, leaf, limit - rows.length],
    );
    rows.push(...pending.map(mapCapture));
    const last = pending.at(-1);
    if (rows.length === 0) return { rows, next: null };
    return { rows, next: last ? { leaf, seq: Number(last.seq) } : { leaf, seq: 0 } };
  }

  /** A job's stored captures: how many, the highest leaf, and how many have no leaf yet. */
  async leafSpan(jobId: string): Promise<{ stored: number; maxLeaf: number | null; unsequenced: number }> {
    const r = await this.db.get<Record<string, unknown>>(
      `SELECT count(*) AS n, max(c.leaf_index) AS m, sum(CASE WHEN c.leaf_index IS NULL THEN 1 ELSE 0 END) AS u
       FROM captures c WHERE ${OF_JOB} AND c.outcome = 'stored'`,
      [jobId, jobId],
    );
    return {
      stored: Number(r?.n ?? 0),
      maxLeaf: r?.m == null ? null : Number(r.m),
      unsequenced: Number(r?.u ?? 0),
    };
  }

  /**
   * A job's skipped and failed URLs, each with what its evidence is made from: the signed capture of the
   * page (when a node answered) and the robots.txt and tdmrep.json answers its decision recorded.
   */
  async skipped(jobId: string, afterId: number, limit: number): Promise<SkipRowWithSources[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      `SELECT u.id, u.url, u.state, u.reason, u.detail, u.capture_id, c.signed,
              r.url AS r_url, r.capture_id AS r_capture, r.body_sha256 AS r_sha,
              t.url AS t_url, t.capture_id AS t_capture, t.body_sha256 AS t_sha
       FROM urls u LEFT JOIN captures c ON c.id = u.capture_id
       LEFT JOIN policy_docs r ON r.id = u.robots_doc LEFT JOIN policy_docs t ON t.id = u.tdmrep_doc
       WHERE u.job_id = ? AND u.kind = 'page' AND u.state IN ('skipped', 'failed') AND u.id > ? ORDER BY u.id LIMIT ?`,
      [jobId, afterId, limit],
    );
    const policy = (url: unknown, captureId: unknown, sha: unknown) =>
      url == null
        ? null
        : {
            url: String(url),
            captureId: (captureId as string | null) ?? null,
            bodySha256: (sha as string | null) ?? null,
          };
    return rows.map((r) => ({
      id: Number(r.id),
      url: String(r.url),
      state: r.state as SkipRow['state'],
      reason: String(r.reason ?? 'unknown'),
      detail: (r.detail as string | null) ?? null,
      captureId: (r.capture_id as string | null) ?? null,
      signed: (r.signed as string | null) ?? null,
      robots: policy(r.r_url, r.r_capture, r.r_sha),
      tdmrep: policy(r.t_url, r.t_capture, r.t_sha),
    }));
  }

  // ---- reads on behalf of a tenant: the tenant filter is in the SQL, through the capture's job ----

  /** The capture if one of `tenant`'s jobs made it, or took it from the archive. */
  async byIdOf(tenant: string, id: string): Promise<CaptureRow | undefined> {
    const r = await this.db.get<Record<string, unknown>>(
      `SELECT c.* FROM captures c JOIN jobs j ON j.id = c.job_id WHERE c.id = ?
         AND (j.tenant_id = ? OR EXISTS (SELECT 1 FROM job_reuses r JOIN jobs rj ON rj.id = r.job_id
                                        WHERE r.capture_id = c.id AND rj.tenant_id = ?))`,
      [id, tenant, tenant],
    );
    return r ? mapCapture(r) : undefined;
  }

  /** The newest stored capture of `tenant`'s jobs whose requested or final URL is `url`. */
  async latestStoredOf(tenant: string, url: string): Promise<CaptureRow | undefined> {
    const r = await this.db.get<Record<string, unknown>>(
      `SELECT c.* FROM captures c JOIN jobs j ON j.id = c.job_id
       WHERE j.tenant_id = ? AND c.outcome = 'stored' AND (c.requested_url = ? OR c.final_url = ?)
       ORDER BY c.seq DESC LIMIT 1`,
      [tenant, url, url],
    );
    return r ? mapCapture(r) : undefined;
  }

  /** A body is `tenant`'s to read only if a capture of one of its jobs has that hash. */
  /** The URLs of (up to `limit` of) the tenant's captures of this body, to check them against takedowns. */
  async tenantBodyUrls(tenant: string, sha256: string, limit = 100): Promise<[string, string][]> {
    // Through a capture of one of its jobs, or one a job of its took from the archive (job_reuses).
    const rows = await this.db.all<{ requested_url: string; final_url: string }>(
      `SELECT c.requested_url, c.final_url FROM captures c JOIN jobs j ON j.id = c.job_id
       WHERE c.body_sha256 = ? AND j.tenant_id = ?
       UNION ALL
       SELECT c.requested_url, c.final_url FROM captures c JOIN job_reuses r ON r.capture_id = c.id
         JOIN jobs j ON j.id = r.job_id
       WHERE c.body_sha256 = ? AND j.tenant_id = ? LIMIT ?`,
      [sha256, tenant, sha256, tenant, limit],
    );
    return rows.map((r) => [r.requested_url, r.final_url]);
  }
}

function mapCapture(r: Record<string, unknown>): CaptureRow {
  return {
    seq: Number(r.seq),
    id: String(r.id),
    jobId: String(r.job_id),
    nodeId: String(r.node_id),
    requestedUrl: String(r.requested_url),
    finalUrl: String(r.final_url),
    status: Number(r.status),
    contentType: (r.content_type as string | null) ?? null,
    bodySha256: String(r.body_sha256),
    bodyLength: Number(r.body_length),
    fetchedAt: Number(r.fetched_at),
    signed: String(r.signed),
    outcome: String(r.outcome),
    reason: (r.reason as string | null) ?? null,
    leafIndex: r.leaf_index == null ? null : Number(r.leaf_index),
    ...(Number(r.reused_row ?? 0) === 1 ? { reused: true } : {}),
  };
}
