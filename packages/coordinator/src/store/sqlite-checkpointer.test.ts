import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { SqlDriver } from './sql-driver.js';
import { openSqliteDriver } from './sqlite-driver.js';

const PAGE = 4096;
const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/** The main connection's wal_autocheckpoint: 0 while the worker keeps the WAL short. */
async function autocheckpoint(db: SqlDriver): Promise<number> {
  const row = await db.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint');
  return Number(row?.wal_autocheckpoint);
}

async function until(what: string, cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** One small write transaction shaped like a capture batch's: a row with a body-sized blob and an index. */
const write = (db: SqlDriver, i: number) =>
  db.transaction(async (tx) => {
    await tx.run('INSERT INTO t (k, v) VALUES (?, ?)', [`key-${i}`, Buffer.alloc(1500, i % 251)]);
  });

describe('WAL checkpoints on a worker thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-checkpointer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const open = async (opts: { tickMs?: number; restartPages?: number; maxWalPages?: number } = {}) => {
    const path = join(dir, `db-${n++}.sqlite`);
    const db = openSqliteDriver(path, { checkpointThread: { tickMs: 10, ...opts } });
    await db.exec(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v BLOB NOT NULL); CREATE INDEX t_k ON t (k)',
    );
    await until('the worker to take the checkpoints', async () => (await autocheckpoint(db)) === 0);
    return { db, path };
  };

  test('the WAL stays bounded under steady commits (a PASSIVE-only worker lets it grow with every commit)', async () => {
    const { db, path } = await open({ restartPages: 256 });
    // ~3 WAL frames a commit: unchecked, 2,000 commits leave a WAL of ~24 MiB; no fall-back below 64 MiB.
    let peak = 0;
    for (let i = 0; i < 2000; i++) {
      await write(db, i);
      // A coordinator's commits have its other work between them (requests, hashing, sockets): ~100–300
      // commits a second in the crawl bench. This is still several times that; a writer that outruns the
      // worker altogether is the fall-back's case (the next test).
      await sleep(1);
      if (i % 50 === 0) peak = Math.max(peak, walBytes(path));
    }
    peak = Math.max(peak, walBytes(path));
    assert.equal(await autocheckpoint(db), 0, 'the worker kept the checkpoints all along');
    assert.ok(peak < 640 * PAGE, `WAL peaked at ${peak} bytes`);
    const { c } = (await db.get<{ c: number }>('SELECT count(*) AS c FROM t')) ?? { c: 0 };
    assert.equal(c, 2000);
    await db.close();
  });

  test('a reader pinning an old snapshot: no `database is locked`, the main connection checkpoints itself past the bound, then hands back', async () => {
    const { db, path } = await open({ maxWalPages: 200 });
    const reader = new Database(path, { readonly: true });
    reader.pragma('busy_timeout = 5000');
    // An open read transaction on an old snapshot: no checkpoint may copy past it, no RESTART may finish.
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    const reads = reader.prepare('SELECT count(*) AS c FROM t');
    let i = 0;
    for (; i < 1500; i++) {
      await write(db, i);
      if (i % 10 === 0) reads.get();
      if (i % 25 === 0) await sleep(1);
    }
    assert.equal(await autocheckpoint(db), 1000, 'past 200 WAL pages the main connection checkpoints itself');
    reader.exec('COMMIT');
    // Reads outside a transaction and writes alongside, with the worker's RESTARTs now able to finish.
    await until(
      'the worker to take the checkpoints back',
      async () => {
        await write(db, i++);
        reads.get();
        return (await autocheckpoint(db)) === 0;
      },
      10_000,
    );
    const { c } = (await db.get<{ c: number }>('SELECT count(*) AS c FROM t')) ?? { c: 0 };
    assert.equal(c, i);
    reader.close();
    await db.close();
  });

  test('close stops the worker first, so the main connection is the last and removes the WAL', async () => {
    const { db, path } = await open();
    for (let i = 0; i < 50; i++) await write(db, i);
    assert.ok(existsSync(`${path}-wal`));
    await db.close();
    assert.equal(existsSync(`${path}-wal`), false, 'a connection still open keeps the WAL file');
  });

  test('a process that never closes the driver still exits: the worker does not hold it open', () => {
    const driver = new URL('./sqlite-driver.ts', import.meta.url).href;
    const script = `import { openSqliteDriver } from ${JSON.stringify(driver)};
      const db = openSqliteDriver(${JSON.stringify(join(dir, 'left-open.sqlite'))}, { checkpointThread: { tickMs: 10 } });
      await db.exec('CREATE TABLE t (x)');
      const end = Date.now() + 10000;
      while ((await db.get('PRAGMA wal_autocheckpoint')).wal_autocheckpoint !== 0 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 10));
      console.log(JSON.stringify(await db.get('PRAGMA wal_autocheckpoint')));`;
    const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.signal, null, 'killed by the timeout: the process did not exit by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { wal_autocheckpoint: 0 });
  });

  test('without the option there is no worker: SQLite checkpoints in the commits as before', async () => {
    const db = openSqliteDriver(join(dir, 'plain.sqlite'));
    assert.equal(await autocheckpoint(db), 1000);
    await db.close();
  });
});
