import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import {
  autocheckpoint,
  MAX_WAL_PAGES,
  PAGE,
  pacedWalPeak,
  until,
  write,
} from '../../../../test/support/sqlite-wal.js';
import { openSqliteDriver } from './sqlite-driver.js';

/** Frames in the WAL now (a third connection's PASSIVE checkpoint reports them; it copies, never resets). */
function walFrames(path: string): number {
  const probe = new Database(path);
  try {
    return (probe.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? -1;
  } finally {
    probe.close();
  }
}

describe('WAL checkpoints on their own thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-checkpointer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const open = async (opts: { tickMs?: number; restartPages?: number; maxWalPages?: number } = {}) => {
    const path = join(dir, `db-${n++}.sqlite`);
    const db = openSqliteDriver(path, { checkpointThread: { tickMs: 10, ...opts } });
    await db.exec(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v BLOB NOT NULL); CREATE INDEX t_k ON t (k)',
    );
    const bound = opts.maxWalPages ?? MAX_WAL_PAGES;
    await until('the thread to take the checkpoints', async () => (await autocheckpoint(db)) === bound);
    return { db, path };
  };

  test('the WAL stays bounded under steady commits (a PASSIVE-only worker lets it grow with every commit)', async () => {
    const { db, path } = await open({ restartPages: 256 });
    // ~3 WAL frames a commit: unchecked, 2,000 commits leave a WAL of ~24 MiB; no fall-back below 64 MiB.
    const peak = await pacedWalPeak(db, path);
    assert.equal(await autocheckpoint(db), MAX_WAL_PAGES, 'the thread kept the checkpoints all along');
    assert.ok(peak < 640 * PAGE, `WAL peaked at ${peak} bytes`);
    const { c } = (await db.get<{ c: number }>('SELECT count(*) AS c FROM t')) ?? { c: 0 };
    assert.equal(c, 2000);
    await db.close();
  });

  test('a reader pinning an old snapshot: no `database is locked`, and the WAL starts over once it lets go', async () => {
    const { db, path } = await open({ maxWalPages: 200, restartPages: 256 });
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
    assert.ok(walFrames(path) > 1500, 'the pinned snapshot kept every frame in the WAL');
    reader.exec('COMMIT');
    // Reads outside a transaction and writes alongside, with the thread's RESTARTs now able to finish.
    await until(
      'the WAL to start over',
      async () => {
        await write(db, i++);
        reads.get();
        await sleep(5);
        return walFrames(path) < 256;
      },
      10_000,
    );
    assert.equal(await autocheckpoint(db), 200, 'the thread is still in charge');
    const { c } = (await db.get<{ c: number }>('SELECT count(*) AS c FROM t')) ?? { c: 0 };
    assert.equal(c, i);
    reader.close();
    await db.close();
  });

  test('close stops the thread first, so the main connection is the last and removes the WAL', async () => {
    const { db, path } = await open();
    for (let i = 0; i < 50; i++) await write(db, i);
    assert.ok(existsSync(`${path}-wal`));
    await db.close();
    assert.equal(existsSync(`${path}-wal`), false, 'a connection still open keeps the WAL file');
  });

  test('a process that never closes the driver still exits: the thread does not hold it open', () => {
    const driver = new URL('./sqlite-driver.ts', import.meta.url).href;
    const script = `import { openSqliteDriver } from ${JSON.stringify(driver)};
      const db = openSqliteDriver(${JSON.stringify(join(dir, 'left-open.sqlite'))}, { checkpointThread: { tickMs: 10 } });
      await db.exec('CREATE TABLE t (x)');
      const end = Date.now() + 10000;
      while ((await db.get('PRAGMA wal_autocheckpoint')).wal_autocheckpoint === 1000 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 10));
      console.log(JSON.stringify(await db.get('PRAGMA wal_autocheckpoint')));`;
    const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.signal, null, 'killed by the timeout: the process did not exit by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { wal_autocheckpoint: MAX_WAL_PAGES });
  });

  test('without the option there is no thread: SQLite checkpoints in the commits as before', async () => {
    const db = openSqliteDriver(join(dir, 'plain.sqlite'));
    assert.equal(await autocheckpoint(db), 1000);
    await db.close();
  });
});
