// What the WAL checkpoint tests look at (packages/coordinator/src/store/sqlite-checkpointer.test.ts,
// test/sqlite-checkpoint-host.test.ts): the WAL file, the main connection's own checkpoint setting, and a
// write shaped like a capture batch's.
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlDriver } from '../../packages/coordinator/src/store/sql-driver.js';

export const PAGE = 4096;

/** sqlite-checkpointer.ts's default `maxWalPages`: the main connection's wal_autocheckpoint while a loop is in charge. */
export const MAX_WAL_PAGES = 16_384;

/** The WAL file's size: its largest extent so far (a WAL that starts over is written from the start again). */
export const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/**
 * The main connection's wal_autocheckpoint: `maxWalPages` while a checkpoint loop is in charge (it checkpoints
 * itself only past that bound), SQLite's 1,000 while none is.
 */
export async function autocheckpoint(db: SqlDriver): Promise<number> {
  const row = await db.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint');
  return Number(row?.wal_autocheckpoint);
}

export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A table for `write`. */
export const WAL_TABLE = 'CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v BLOB NOT NULL)';

/** One small write transaction shaped like a capture batch's: a row with a body-sized blob (~3 WAL frames). */
export const write = (db: SqlDriver, i: number) =>
  db.transaction(async (tx) => {
    await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', [`key-${i}`, Buffer.alloc(1500, i % 251)]);
  });

/**
 * `n` writes a millisecond apart, and the WAL's peak size over them. A coordinator's commits have its other
 * work between them (requests, hashing, sockets): ~100–300 commits a second in the crawl bench. This is still
 * several times that; a writer that outruns the checkpoints altogether is the bound's case.
 */
export async function pacedWalPeak(db: SqlDriver, path: string, n = 2000): Promise<number> {
  let peak = 0;
  for (let i = 0; i < n; i++) {
    await write(db, i);
    await sleep(1);
    if (i % 50 === 0) peak = Math.max(peak, walBytes(path));
  }
  return Math.max(peak, walBytes(path));
}
