import type { SqlExecutor } from '../store/sql-driver.js';

/**
 * PostgreSQL advisory lock of the log's one writer. Coordinators sharing a database take it (per
 * transaction) to append a batch of leaves or to sign a checkpoint, so exactly one of them feeds the
 * log at a time; the others skip their background turn instead of queueing on the head row. (The
 * migration lock is 7290017.)
 */
export const LOG_WRITER_LOCK = 7290018;

/**
 * Takes the log writer lock inside `tx` until it ends: waits for it when `wait`, else returns false at
 * once if another coordinator holds it. SQLite has one writer by construction (BEGIN IMMEDIATE), so
 * there it always returns true.
 */
export async function lockLogWriter(
  dialect: 'sqlite' | 'postgres',
  tx: SqlExecutor,
  wait: boolean,
): Promise<boolean> {
  if (dialect !== 'postgres') return true;
  if (wait) {
    await tx.run(`SELECT pg_advisory_xact_lock(${LOG_WRITER_LOCK})`);
    return true;
  }
  const r = await tx.get<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOG_WRITER_LOCK}) AS ok`);
  return r?.ok === true;
}
