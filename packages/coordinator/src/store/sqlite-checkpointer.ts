import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * WAL checkpoints on a worker thread, so the thread that answers nodes never stalls on a checkpoint's copy
 * and fsyncs (session 13: auto-checkpoints were ~0.37 ms a page of the main thread blocked; session 14: wall
 * per write transaction 0.45–0.62× with them on a thread).
 *
 * The worker has its own connection to the same file. Each tick it runs `wal_checkpoint(PASSIVE)`, which
 * never takes the writer lock, so the main connection's commits do not wait for it. PASSIVE alone never
 * lets the WAL start over while commits keep coming (a commit lands between the copy and the next write, so
 * the next writer rarely finds every frame copied), so once a PASSIVE reports every frame of a WAL past
 * `restartPages` copied, the worker asks for a RESTART that waits at most a few milliseconds for the writer
 * lock and for readers, rather than holding the writer lock for as long as a reader stays (a RESTART that
 * waited on the 5 s busy timeout starved the main connection into `database is locked`).
 *
 * If the WAL still passes `maxWalPages` (a reader pinning an old snapshot, a worker that cannot keep up or
 * has died), the main connection takes its own checkpoints again (`wal_autocheckpoint`) until the worker
 * reports the WAL has started over: a bound that holds without the worker.
 */
export interface CheckpointThreadOptions {
  /** Milliseconds between the worker's checkpoints; default 500: about SQLite's own 1,000-page cadence at the crawl bench's commit rate. */
  tickMs?: number;
  /** WAL pages from which the worker starts the WAL over once every frame is copied; default 1,024. */
  restartPages?: number;
  /** WAL pages past which the main connection checkpoints itself again; default 16,384 (64 MiB of 4 KiB). */
  maxWalPages?: number;
}

export interface CheckpointThread {
  /** Stops the worker and closes its connection; resolves once the thread has exited (≤ ~1 s). */
  stop(): Promise<void>;
}

/** SQLite's own default, restored on the main connection while the worker is not keeping the WAL short. */
const AUTOCHECKPOINT_PAGES = 1000;

// An eval worker: no second file for the build and the source loader to agree on. It is CommonJS, so
// better-sqlite3 is loaded by the path the main thread resolved (the worker's require would resolve from cwd).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  // No busy handler: every checkpoint here gives up rather than wait while holding a lock.
  db.pragma('busy_timeout = 0');
} catch (e) {
  parentPort.postMessage({ kind: 'failed', message: String(e && e.message || e) });
  process.exit(0);
}
parentPort.postMessage({ kind: 'ready' });
let over = false;
const tick = () => {
  try {
    const p = db.pragma('wal_checkpoint(PASSIVE)')[0];
    let log = p.log;
    if (p.busy === 0 && p.log >= workerData.restartPages && p.checkpointed === p.log) {
      // Every frame is in the database file: a RESTART has at most the frames of the last moments to copy,
      // then readers to wait for. It waits a few milliseconds at most, for the writer lock and for readers,
      // so the main connection is never kept from committing for longer than that.
      db.pragma('busy_timeout = ' + workerData.restartWaitMs);
      try {
        const r = db.pragma('wal_checkpoint(RESTART)')[0];
        if (r.busy === 0) log = 0;
      } finally {
        db.pragma('busy_timeout = 0');
      }
    }
    const nowOver = log > workerData.maxWalPages;
    if (nowOver !== over) {
      over = nowOver;
      parentPort.postMessage({ kind: 'wal', over, log });
    }
  } catch (e) {
    // SQLITE_BUSY or a transient I/O error: the next tick tries again; the main thread's bound still holds.
  }
};
const timer = setInterval(tick, workerData.tickMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    try { db.close(); } catch {}
    parentPort.close();
  }
});
`;

/**
 * Starts the worker for the WAL database at `path` whose main connection is `db`. The main connection's
 * auto-checkpoints go off only once the worker's connection is open, and come back if it fails or exits.
 */
export function startCheckpointThread(
  db: Database.Database,
  path: string,
  opts: CheckpointThreadOptions = {},
): CheckpointThread {
  const tickMs = opts.tickMs ?? 500;
  const maxWalPages = opts.maxWalPages ?? 16_384;
  const restartPages = opts.restartPages ?? 1024;
  // The longest a RESTART may hold the writer lock waiting for readers (or wait for it): short enough that a
  // commit held up by it loses a few milliseconds, not the 5 s busy timeout.
  const restartWaitMs = 5;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      tickMs,
      restartPages,
      restartWaitMs,
      maxWalPages,
    },
    // None of the process's flags: its code is plain CommonJS (a parent's --input-type=module would make it
    // ESM, without require) and needs no loader.
    execArgv: [],
    // Its heap holds one connection and a timer.
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  let stopped = false;
  const selfCheckpoint = (on: boolean) => {
    if (stopped || !db.open) return;
    db.pragma(`wal_autocheckpoint = ${on ? AUTOCHECKPOINT_PAGES : 0}`);
  };
  worker.on('message', (m: { kind: string; over?: boolean }) => {
    if (m.kind === 'ready') selfCheckpoint(false);
    else if (m.kind === 'wal') selfCheckpoint(m.over === true);
    // 'failed': auto-checkpoints were never turned off.
  });
  // A worker that dies gives the checkpoints back to the main connection.
  worker.on('error', () => selfCheckpoint(true));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.once('exit', () => selfCheckpoint(true));
  // Never what keeps the process alive: a process that exits without stop() loses no data (the WAL stays).
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  return {
    async stop() {
      if (stopped) return exited;
      worker.postMessage('stop');
      // A checkpoint in progress finishes first; one that hangs on the disk is cut off so SIGTERM's 5 s hold.
      const timer = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timer);
      stopped = true;
    },
  };
}
