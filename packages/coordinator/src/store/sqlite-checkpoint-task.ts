// The WAL checkpoint loop of a SQLite store (sqlite-checkpointer.ts), run on a thread other than the one that
// answers nodes: on the dedicated thread (sqlite-checkpoint-thread.ts), or on a worker the process has anyway
// (the extraction pool's), which hands a message that `isCheckpointTask` accepts to `runCheckpointTask`. A
// worker thread costs ~9 MiB however little it runs (docs/BENCHMARKS.md, session 18, nmem); the loop costs a
// connection and a timer.
import { createRequire } from 'node:module';
import type { MessagePort } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** What the loop needs, sent to the thread that runs it. */
export interface CheckpointTaskConfig {
  path: string;
  tickMs: number;
  restartPages: number;
  restartWaitMs: number;
}

/**
 * The message that starts the loop on a host. Over `port` the loop answers `'ready'` once its connection is
 * open, and ends when it receives `'stop'` (or the other end closes): it closes its connection first, then
 * the port, so the owner knows from the port's `close` that the connection is gone. A host that dies closes
 * the port too.
 */
export interface CheckpointTask {
  sqliteCheckpoints: CheckpointTaskConfig;
  port: MessagePort;
}

export function isCheckpointTask(m: unknown): m is CheckpointTask {
  return typeof m === 'object' && m !== null && 'sqliteCheckpoints' in m;
}

/**
 * Each tick, `wal_checkpoint(PASSIVE)`, which never takes the writer lock, so the main connection's commits
 * do not wait for it. PASSIVE alone never lets the WAL start over while commits keep coming (a commit lands
 * between the copy and the next write, so the next writer rarely finds every frame copied), so once a
 * PASSIVE reports every frame of a WAL past `restartPages` copied, a RESTART that waits at most a few
 * milliseconds for the writer lock and for readers, rather than holding the writer lock for as long as a
 * reader stays (a RESTART that waited on the 5 s busy timeout starved the main connection into `database is
 * locked`).
 */
export function runCheckpointTask({ sqliteCheckpoints: c, port }: CheckpointTask): void {
  let db: Database.Database;
  try {
    // Loaded here, not imported: a host of a PostgreSQL store never receives this task and never loads it.
    const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
    db = new Sqlite(c.path, { fileMustExist: true });
    // No busy handler: every checkpoint here gives up rather than wait while holding a lock.
    db.pragma('busy_timeout = 0');
  } catch {
    // The owner sees the port close before any 'ready': the checkpoints stay where they were.
    port.close();
    return;
  }
  const tick = () => {
    try {
      const p = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      const r = p[0];
      if (r && r.busy === 0 && r.log >= c.restartPages && r.checkpointed === r.log) {
        // Every frame is in the database file: a RESTART has at most the frames of the last moments to copy,
        // then readers to wait for, and waits a few milliseconds at most for either.
        db.pragma(`busy_timeout = ${c.restartWaitMs}`);
        try {
          db.pragma('wal_checkpoint(RESTART)');
        } finally {
          db.pragma('busy_timeout = 0');
        }
      }
    } catch {
      // SQLITE_BUSY or a transient I/O error: the next tick tries again; the main connection's bound holds.
    }
  };
  const timer = setInterval(tick, c.tickMs);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    try {
      db.close();
    } catch {}
    port.close();
  };
  port.on('message', (m) => {
    if (m === 'stop') end();
  });
  port.once('close', end);
  port.postMessage('ready');
}
