import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';

// PostgreSQL may abort one of two writers with a deadlock (40P01) or serialization failure (40001);
// the whole transaction is safe to run again because every posting carries an idempotency key.
const RETRYABLE = new Set(['40P01', '40001']);

export async function inTransaction<T>(db: SqlDriver, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !RETRYABLE.has(code)) throw e;
    }
  }
}

/** Row lock for a balance check that must hold under concurrent writers (SQLite already serialises). */
export const forUpdate = (db: SqlDriver): string => (db.dialect === 'postgres' ? ' FOR UPDATE' : '');
