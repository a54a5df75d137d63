import Database from 'better-sqlite3';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './sql-driver.js';
import { type CheckpointThreadOptions, startCheckpointThread } from './sqlite-checkpointer.js';

export interface SqliteDriverOptions {
  /**
   * WAL checkpoints on a worker thread instead of in the main connection's commits (sqlite-checkpointer.ts):
   * true or its options. Off by default: a worker costs a thread and a connection, which pays in a
   * long-running coordinator, not in a CLI command or a test. Ignored for `:memory:` (no WAL to share).
   */
  checkpointThread?: boolean | CheckpointThreadOptions;
}

/**
 * better-sqlite3 is synchronous and holds one connection, so an async transaction must not interleave
 * with other statements: a promise-chain mutex serialises every call while a transaction is open.
 */
export function openSqliteDriver(path: string, opts: SqliteDriverOptions = {}): SqlDriver {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A larger page cache and memory-mapped reads keep proof lookups on a 10M-leaf log under a millisecond.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  const checkpointer =
    opts.checkpointThread && path !== ':memory:' && path !== ''
      ? startCheckpointThread(db, path, opts.checkpointThread === true ? {} : opts.checkpointThread)
      : null;
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const norm = (params: readonly SqlValue[] = []) =>
    params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p instanceof Uint8Array ? Buffer.from(p) : p));
  const direct: SqlExecutor = {
    async all<T>(sql: string, params?: readonly SqlValue[]) {
      const s = stmt(sql);
      if (s.reader) return s.all(...norm(params)) as T[];
      s.run(...norm(params));
      return [];
    },
    async get<T>(sql: string, params?: readonly SqlValue[]) {
      const s = stmt(sql);
      if (!s.reader) {
        s.run(...norm(params));
        return undefined;
      }
      return s.get(...norm(params)) as T | undefined;
    },
    async run(sql: string, params?: readonly SqlValue[]) {
      const r = stmt(sql).run(...norm(params));
      return { changes: r.changes };
    },
  };
  let lock: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = lock.then(fn, fn);
    lock = next.catch(() => undefined);
    return next;
  };
  return {
    dialect: 'sqlite',
    all: <T = Row>(sql: string, params?: readonly SqlValue[]) => serial(() => direct.all<T>(sql, params)),
    get: <T = Row>(sql: string, params?: readonly SqlValue[]) => serial(() => direct.get<T>(sql, params)),
    run: (sql, params) => serial(() => direct.run(sql, params)),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
      serial(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          db.exec('COMMIT');
          return out;
        } catch (e) {
          db.exec('ROLLBACK');
          throw e;
        }
      }),
    exec: (script) => serial(async () => void db.exec(script)),
    // The worker's connection closes first, so the main one is the last and removes the WAL.
    close: () =>
      serial(async () => {
        await checkpointer?.stop();
        db.close();
      }),
  };
}
