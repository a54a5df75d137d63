import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'sward-statement-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `body` in a child process whose SQLite puts its temporary files in a folder of their own
 * (SQLITE_TMPDIR is read once, when SQLite starts in a process), with `db` a driver on a fresh file and
 * `seen` every file name created in that folder so far (a temporary file is unlinked as soon as it is
 * opened, so only the folder's events show it). Prints what `body` returns, as JSON.
 */
function inChild(name: string, body: string): unknown {
  const temp = join(dir, `${name}-tmp`);
  mkdirSync(temp);
  const driver = new URL('./sqlite-driver.ts', import.meta.url).href;
  const script = `import { watch } from 'node:fs';
    import { openSqliteDriver } from ${JSON.stringify(driver)};
    const seen = [];
    const watcher = watch(${JSON.stringify(temp)}, (_event, file) => seen.push(String(file)));
    const db = openSqliteDriver(${JSON.stringify(join(dir, `${name}.sqlite`))});
    // every event of the statements above has been delivered once the loop has turned a few times
    const settle = () => new Promise((r) => setTimeout(r, 200));
    const out = await (async () => { ${body} })();
    await settle();
    watcher.close();
    await db.close();
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, SQLITE_TMPDIR: temp },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// A table shaped like captures: long rows and several indexes on random keys, so that a statement of many rows
// changes pages all over the file (each one's old image goes to the statement journal)
const SCHEMA = `CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, a TEXT NOT NULL, b TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b); CREATE INDEX t_ab ON t (a, b);`;
const ROWS = `const row = (i) => ['k' + i, (i * 7919 % 10007) + '-a', (i * 104729 % 10009) + '-b', 'x'.repeat(1200)];
  const insert = async (tx, from, n) => {
    const rows = Array.from({ length: n }, (_, j) => row(from + j));
    await tx.run('INSERT INTO t (k, a, b, body) VALUES ' + rows.map(() => '(?, ?, ?, ?)').join(', '), rows.flat());
  };`;

test("a transaction's multi-row statements keep their statement journal in memory: no temporary file", () => {
  const out = inChild(
    'spill',
    `await db.exec(${JSON.stringify(SCHEMA)});
    ${ROWS}
    await db.transaction((tx) => insert(tx, 0, 2000));
    await settle();
    const before = seen.length;
    // 200 rows into indexes of 2,000: hundreds of existing pages changed by one statement, far over the
    // 64 KiB SQLite keeps in memory by default before it writes the journal to a temporary file
    await db.transaction(async (tx) => {
      await tx.run('UPDATE t SET body = ? WHERE id = 1', ['y']);
      await insert(tx, 2000, 200);
      await insert(tx, 2200, 200);
    });
    await settle();
    return { before, during: seen.slice(before), rows: (await db.get('SELECT count(*) AS n FROM t')).n,
      tempStore: (await db.get('PRAGMA temp_store')).temp_store };`,
  ) as { before: number; during: string[]; rows: number; tempStore: number };
  assert.equal(out.rows, 2400);
  assert.deepEqual(out.during, [], 'the transaction wrote its statement journal to temporary files');
  // outside a transaction's BEGIN, temporary storage is SQLite's default again (a big sort spills to a file)
  assert.equal(out.tempStore, 0);
});

test('a statement that fails inside a transaction is still undone alone, the rest of the transaction kept', () => {
  const out = inChild(
    'undo',
    `await db.exec(${JSON.stringify(SCHEMA)});
    ${ROWS}
    await db.transaction((tx) => insert(tx, 0, 2000));
    const failure = await db.transaction(async (tx) => {
      await insert(tx, 5000, 100);
      // 199 new rows, then one whose key is taken: the statement stops on its last row
      const rows = [...Array.from({ length: 199 }, (_, j) => row(6000 + j)), row(7)];
      const e = await tx
        .run('INSERT INTO t (k, a, b, body) VALUES ' + rows.map(() => '(?, ?, ?, ?)').join(', '), rows.flat())
        .then(() => null, (e) => e.code);
      await insert(tx, 8000, 50);
      return e;
    });
    const count = async (sql) => (await db.get(sql)).n;
    return { failure, all: await count('SELECT count(*) AS n FROM t'),
      undone: await count('SELECT count(*) AS n FROM t WHERE CAST(substr(k, 2) AS INTEGER) BETWEEN 6000 AND 6198'),
      integrity: (await db.get('PRAGMA integrity_check')).integrity_check };`,
  ) as { failure: string; all: number; undone: number; integrity: string };
  assert.equal(out.failure, 'SQLITE_CONSTRAINT_UNIQUE');
  assert.equal(out.undone, 0, "the failed statement's first 199 rows stayed");
  assert.equal(out.all, 2000 + 100 + 50);
  assert.equal(out.integrity, 'ok');
});
