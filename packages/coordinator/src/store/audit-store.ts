import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/** One admin action: who (an API key id, or `local:<user>` for the CLI on the database), what, on what. */
export interface AuditEntry {
  actor: string;
  /** Dotted verb, e.g. `key.revoke`, `flag.confirm`, `epoch.close`, `node.revoke`, `takedown.create`. */
  action: string;
  target: string;
  /** Small JSON-able facts worth keeping (a note, the epoch's total); never a secret. */
  detail?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
}

/**
 * Appends one entry, in the caller's transaction when given one (so the action and its record commit
 * together). There is deliberately no update or delete anywhere: the table's triggers refuse both.
 */
export async function recordAudit(db: SqlExecutor, e: AuditEntry, at = Date.now()): Promise<void> {
  await db.run('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)', [
    at,
    e.actor,
    e.action,
    e.target,
    e.detail ? JSON.stringify(e.detail) : null,
  ]);
}

/** Reading the audit log: oldest first, paged by id. Appending is recordAudit(); nothing else exists. */
export class AuditStore {
  constructor(private readonly db: SqlDriver) {}

  record(e: AuditEntry): Promise<void> {
    return recordAudit(this.db, e);
  }

  async list(q: { after?: number; limit?: number; action?: string } = {}): Promise<AuditRow[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      `SELECT * FROM audit_log WHERE id > ?${q.action ? ' AND action = ?' : ''} ORDER BY id LIMIT ?`,
      [q.after ?? 0, ...(q.action ? [q.action] : []), q.limit ?? 100],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      actor: String(r.actor),
      action: String(r.action),
      target: String(r.target),
      detail: r.detail == null ? null : (JSON.parse(String(r.detail)) as Record<string, unknown>),
    }));
  }
}
