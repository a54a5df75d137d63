import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { workerEntryUrl } from '@sward/core';
import type Database from 'better-sqlite3';
import type { CheckpointTask, CheckpointTaskConfig } from './sqlite-checkpoint-task.js';

/**
 * WAL checkpoints off the main thread, so the thread that answers nodes never stalls on a checkpoint's copy
 * and fsyncs (session 13: auto-checkpoints were ~0.37 ms a page of the main thread blocked; session 14: wall
 * per write transaction 0.45–0.62× with them on a thread).
 *
 * The loop (sqlite-checkpoint-task.ts) has its own connection to the same file. It starts on a dedicated
 * thread; a thread the process has anyway can take it over (`host`, the extraction pool's worker): the
 * thread that ran it stops once the new one has its connection open, so the coordinator does not keep a
 * thread for a timer (a worker costs ~9 MiB alone, session 18, nmem; beside the extraction thread, ~5–6 MiB
 * of the coordinator's crawl peak, session 19, ckpt: docs/BENCHMARKS.md). One loop is in charge at a time.
 *
 * The bound that holds whatever the loop does: while a loop is in charge, the main connection checkpoints
 * itself only past `maxWalPages` (`wal_autocheckpoint`), which catches a loop that falls behind, a reader
 * pinning an old snapshot, and a host busy with other work; when no loop is in charge (before the first is
 * ready, after the one in charge died), it checkpoints itself every 1,000 pages, SQLite's own default.
 */
export interface CheckpointThreadOptions {
  /** Milliseconds between the loop's checkpoints; default 500: about SQLite's own 1,000-page cadence at the crawl bench's commit rate. */
  tickMs?: number;
  /** WAL pages from which the loop starts the WAL over once every frame is copied; default 1,024. */
  restartPages?: number;
  /** WAL pages past which the main connection checkpoints itself anyway; default 16,384 (64 MiB of 4 KiB). */
  maxWalPages?: number;
}

export interface SqliteCheckpoints {
  /**
   * Runs the loop on `worker` from now on: it is sent a `CheckpointTask` (its port transferred), which the
   * worker passes to `runCheckpointTask`. If the worker never answers, the loop in charge keeps running.
   */
  host(worker: Worker): void;
  /** Ends every loop and waits for their connections to close (≤ ~1 s). */
  stop(): Promise<void>;
}

/** SQLite's own default, on the main connection while no loop keeps the WAL short. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Starts the checkpoints of the WAL database at `path` whose main connection is `db`, on the dedicated thread
 * until a host takes them over.
 */
export function startCheckpoints(
  db: Database.Database,
  path: string,
  opts: CheckpointThreadOptions = {},
): SqliteCheckpoints {
  const maxWalPages = opts.maxWalPages ?? 16_384;
  const config: CheckpointTaskConfig = {
    path,
    tickMs: opts.tickMs ?? 500,
    restartPages: opts.restartPages ?? 1024,
    // The longest a RESTART may hold the writer lock waiting for readers (or wait for it): short enough that
    // a commit held up by it loses a few milliseconds, not the 5 s busy timeout.
    restartWaitMs: 5,
  };
  let inCharge: MessagePort | null = null;
  /** Loops in the order they were started; the one in charge is the latest that answered 'ready'. */
  let started = 0;
  let inChargeSeq = 0;
  let stopped = false;
  /** Every loop's port, from its start until it closes, with the promise of that close. */
  const loops = new Map<MessagePort, Promise<void>>();
  const selfCheckpoint = (pages: number) => {
    if (!stopped && db.open) db.pragma(`wal_autocheckpoint = ${pages}`);
  };
  const start = (post: (task: CheckpointTask, transfer: [MessagePort]) => void) => {
    const seq = ++started;
    const { port1, port2 } = new MessageChannel();
    loops.set(port1, new Promise((resolve) => port1.once('close', resolve)));
    port1.on('message', (m) => {
      if (m !== 'ready' || stopped) return;
      // Started before the loop in charge and ready only after it (the dedicated thread slower to load than
      // a host already running): not needed. Taking over here would stop the host's loop and keep the
      // dedicated thread for good.
      if (seq < inChargeSeq) return port1.postMessage('stop');
      const before = inCharge;
      inCharge = port1;
      inChargeSeq = seq;
      selfCheckpoint(maxWalPages);
      // The loop that ran them ends (on the dedicated thread: nothing else keeps it, so it exits).
      before?.postMessage('stop');
    });
    port1.once('close', () => {
      loops.delete(port1);
      // A loop in charge that dies gives the checkpoints back to the main connection.
      if (inCharge === port1) {
        inCharge = null;
        selfCheckpoint(AUTOCHECKPOINT_PAGES);
      }
    });
    // Never what keeps the process alive: a process that exits without stop() loses no data (the WAL stays).
    // After the listeners: adding a 'message' listener refs the port again.
    port1.unref();
    post({ sqliteCheckpoints: config, port: port2 }, [port2]);
  };
  const thread = startCheckpointThread();
  // An error ends the thread, which closes its port: handled there. Without a listener it would throw here.
  thread.on('error', () => {});
  thread.unref();
  start((task, transfer) => thread.postMessage(task, transfer));
  return {
    host(worker) {
      if (!stopped) start((task, transfer) => worker.postMessage(task, transfer));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = [...loops.entries()].map(([port, done]) => {
        port.postMessage('stop');
        return done;
      });
      // A checkpoint in progress finishes first; one that hangs on the disk is cut off so SIGTERM's 5 s hold.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), 1000);
      });
      if ((await Promise.race([Promise.all(closed), late])) === 'late')
        for (const port of loops.keys()) port.close();
      clearTimeout(timer);
      // Its loop has ended (or was cut off): the thread has exited or is about to.
      await thread.terminate();
    },
  };
}

/**
 * Installed, the coordinator is compiled JavaScript and the thread starts sqlite-checkpoint-thread.js; from
 * its sources (tests, benches), through @sward/core's sourceWorkerUrl. None of the process's flags: its
 * preloads (a bench's SQL counter, tsx) are not for a timer.
 */
function startCheckpointThread(): Worker {
  return new Worker(workerEntryUrl(import.meta.url, 'sqlite-checkpoint-thread'), {
    execArgv: [],
    // Its heap holds one connection and a timer.
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
}
