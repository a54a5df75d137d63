import { inChunks, marks, valuesList } from './multi-row.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/** A stored page handed to an extraction worker: what it needs to rebuild the document the capture binds. */
export interface ExtractionTask {
  captureId: string;
  jobId: string;
  /** The capture's signed record (canonical JSON): its final URL and Content-Type are read from it. */
  signed: string;
  bodySha256: string;
}

/**
 * Stored HTML pages whose document is still to be made. Ingest adds a row in the capture's transaction; an
 * extraction worker claims rows for `holdMs` (a coordinator that dies holding them only delays them), and
 * the document's insert removes the row in one transaction, so a page gets exactly one document.
 */
export class ExtractQueueStore {
  constructor(private readonly db: SqlDriver) {}

  async add(tx: SqlExecutor, captureId: string, jobId: string): Promise<void> {
    await tx.run(
      'INSERT INTO extract_queue (capture_id, job_id, created_at) VALUES (?, ?, ?) ON CONFLICT (capture_id) DO NOTHING',
      [captureId, jobId, Date.now()],
    );
  }

  /** add() for a batch of stored pages, in one statement. */
  async addMany(tx: SqlExecutor, rows: readonly { captureId: string; jobId: string }[]): Promise<void> {
    const now = Date.now();
    await inChunks(tx, rows, (chunk) => [
      `INSERT INTO extract_queue (capture_id, job_id, created_at) VALUES ${valuesList(chunk.length, ['?', '?', '?'])}
       ON CONFLICT (capture_id) DO NOTHING`,
      chunk.flatMap((r) => [r.captureId, r.jobId, now]),
    ]);
  }

  /** Up to `limit` unclaimed (or abandoned) rows, oldest first, claimed until `now + holdMs`. */
  async claim(limit: number, holdMs: number, now = Date.now()): Promise<ExtractionTask[]> {
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ capture_id: string; job_id: string }>(
        `SELECT capture_id, job_id FROM extract_queue WHERE claimed_until <= ? ORDER BY created_at LIMIT ?${lock}`,
        [now, limit],
      );
      if (!rows.length) return [];
      const ids = rows.map((r) => r.capture_id);
      const marks = ids.map(() => '?').join(', ');
      await tx.run(`UPDATE extract_queue SET claimed_until = ? WHERE capture_id IN (${marks})`, [
        now + holdMs,
        ...ids,
      ]);
      const caps = await tx.all<{ id: string; job_id: string; signed: string; body_sha256: string }>(
        `SELECT id, job_id, signed, body_sha256 FROM captures WHERE id IN (${marks})`,
        ids,
      );
      return caps.map((c) => ({
        captureId: c.id,
        jobId: c.job_id,
        signed: c.signed,
        bodySha256: c.body_sha256,
      }));
    });
  }

  /**
   * Stores a round's documents (each already the JSON stored, made on the extraction thread) and takes their
   * pages off the queue, one statement per table; a second worker's copy of a document changes nothing.
   */
  async completeMany(
    tx: SqlExecutor,
    done: readonly { task: ExtractionTask; json: string }[],
  ): Promise<void> {
    const now = Date.now();
    await inChunks(tx, done, (chunk) => [
      `INSERT INTO documents (capture_id, job_id, doc, created_at) VALUES ${valuesList(chunk.length, ['?', '?', '?', '?'])}
       ON CONFLICT (capture_id) DO NOTHING`,
      chunk.flatMap((d) => [d.task.captureId, d.task.jobId, d.json, now]),
    ]);
    await inChunks(tx, done, (chunk) => [
      `DELETE FROM extract_queue WHERE capture_id IN (${marks(chunk.length)})`,
      chunk.map((d) => d.task.captureId),
    ]);
  }

  /** How many of a job's pages still wait for their document. */
  async pending(jobId: string, tx: SqlExecutor = this.db): Promise<number> {
    const r = await tx.get<{ n: number }>('SELECT count(*) AS n FROM extract_queue WHERE job_id = ?', [
      jobId,
    ]);
    return Number(r?.n ?? 0);
  }
}
