import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './sql-driver.js';
import { type CheckpointThreadOptions, startCheckpoints } from './sqlite-checkpointer.js';
import { beginWithMemoryStatementJournal } from './sqlite-statement-journal.js';

export interface SqliteDriverOptions extends SqliteMemory {
  /**
   * WAL checkpoints on another thread instead of in the main connection's commits (sqlite-checkpointer.ts):
   * true or its options; a dedicated thread until one the process has anyway takes them (`hostCheckpoints`).
   * Off by default: it costs a connection, and a thread until one hosts it, which pays in a long-running
   * coordinator, not in a CLI command or a test. Ignored for `:memory:` (no WAL to share).
   */
  checkpointThread?: boolean | CheckpointThreadOptions;
}

/** How much memory SQLite may hold for one connection (`sward coordinator --sqlite-cache-mib / --sqlite-mmap-mib`). */
export interface SqliteMemory {
  /** SQLite's own page cache (malloc'd, so resident once filled), MiB. */
  cacheMiB?: number;
  /** How much of the file is read through mmap (its touched pages count in the process's RSS), MiB; 0: none. */
  mmapMiB?: number;
}

/**
 * SQLite's own ~2 MiB page cache, and reads through a 256 MiB mmap. The cache was 64 MiB: it fills over a
 * crawl with written pages and stays resident (malloc'd); at 2 MiB the crawl bench's tree peaked 13-30 MiB
 * lower, with no pages/s or CPU per page cost it could see. The mmap stays: with a small cache *and* no mmap,
 * collection keyword search read every page through `pread` into a cache too small to hold its index
 * (p50 3x slower), while either one alone kept it as fast; mapped pages are clean file pages the kernel can
 * reclaim, the cache's are not. Proof lookups on 1M and 10M-leaf logs did not order by these settings.
 * (docs/BENCHMARKS.md, session 15, mem.) A coordinator serving no collections can set mmap to 0 (~15 MiB
 * less on a crawl); a large log serving many proofs can raise both.
 */
export const SQLITE_MEMORY_DEFAULTS: Readonly<Required<SqliteMemory>> = { cacheMiB: 2, mmapMiB: 256 };

/** The bounds a coordinator accepts (its config is validated against the same ones). */
export const SQLITE_CACHE_MIB_MAX = 65_536;
export const SQLITE_MMAP_MIB_MAX = 1_048_576;

function checkMiB(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(
      `SQLite ${name}: expected a whole number of MiB from ${min} to ${max}, got ${value}`,
    );
  return value;
}

/**
 * better-sqlite3 is synchronous and holds one connection, so an async transaction must not interleave
 * with other statements: a promise-chain mutex serialises every call while a transaction is open.
 */
export function openSqliteDriver(path: string, opts: SqliteDriverOptions = {}): SqlDriver {
  // Checked before the file is opened: a bad setting must not leave a connection (and a WAL) behind.
  const cacheMiB = checkMiB(
    'cache',
    opts.cacheMiB ?? SQLITE_MEMORY_DEFAULTS.cacheMiB,
    1,
    SQLITE_CACHE_MIB_MAX,
  );
  const mmapMiB = checkMiB('mmap', opts.mmapMiB ?? SQLITE_MEMORY_DEFAULTS.mmapMiB, 0, SQLITE_MMAP_MIB_MAX);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A negative cache_size is KiB, not pages; mmap_size is bytes (SQLite caps it at its compile-time maximum).
  db.pragma(`cache_size = ${-cacheMiB * 1024}`);
  db.pragma(`mmap_size = ${mmapMiB * 1024 * 1024}`);
  const checkpointer =
    opts.checkpointThread && path !== ':memory:' && path !== ''
      ? startCheckpoints(db, path, opts.checkpointThread === true ? {} : opts.checkpointThread)
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
        beginWithMemoryStatementJournal(db);
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
    ...(checkpointer ? { hostCheckpoints: (worker: Worker) => checkpointer.host(worker) } : {}),
    // The checkpoint loops' connections close first, so the main one is the last and removes the WAL.
    close: () =>
      serial(async () => {
        await checkpointer?.stop();
        db.close();
      }),
  };
}
