import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { postgresBackend } from './support/backends.js';
import { assertOneLineFailure, run } from './support/cli-run.js';
import { freePort, type Proc, sward } from './support/processes.js';

// One data folder is one log's (its key, blobs, anchors): a SQLite coordinator's alone, or the PostgreSQL peers'
// of one database (docs/DEPLOY.md). Any other pair on one --data-dir is refused at start (sqlite-owner.ts).
describe('coordinators of different databases on one data folder', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-folder-claim-'));
  const pg = postgresBackend();
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await pg.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });
  const coordinator = async (db: string, dataDir: string) => {
    const port = await freePort();
    const p = sward(['coordinator', '--db', db, '--data-dir', dataDir, '--port', String(port)]);
    procs.push(p);
    await p.waitFor(/listening on/);
    return { p, port };
  };
  const refused = async (db: string, dataDir: string, re: RegExp) =>
    assertOneLineFailure(
      await run(['coordinator', '--db', db, '--data-dir', dataDir, '--port', String(await freePort())]),
      1,
      'sward coordinator',
      re,
    );
  const pgName = (url: string) => {
    const u = new URL(url);
    return `${u.host}${u.pathname}`.replace(/[.]/g, '\\.');
  };

  test('PostgreSQL first: a SQLite one and one of another PostgreSQL database are refused, a peer of its own starts', async () => {
    const data = join(tmp, 'pg-first');
    const db = await pg.create();
    const first = await coordinator(db, data);
    const names = `\\(pid ${first.p.child.pid}, port ${first.port} on 127\\.0\\.0\\.1, since \\d{4}-[^,]*, on the PostgreSQL database ${pgName(db)}\\)`;
    await refused(
      join(tmp, 'pg-first.db'),
      data,
      new RegExp(
        `another coordinator runs on the data folder .*pg-first ${names}: stop it first, or give this one its own --data-dir`,
      ),
    );
    await refused(
      await pg.create(),
      data,
      new RegExp(`${names}: .*shared only by coordinators of one PostgreSQL database\\)`),
    );
    // a peer of the same database shares the folder, as DEPLOY says; both serve
    const peer = await coordinator(db, data);
    for (const port of [first.port, peer.port])
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    // the first gone, its peer still holds the folder for their database
    assert.equal(await first.p.kill('SIGTERM'), 0);
    await refused(join(tmp, 'pg-first.db'), data, new RegExp(`pid ${peer.p.child.pid}|PostgreSQL database`));
    await peer.p.kill('SIGKILL');
    // all gone (one killed): the folder is free, here for a SQLite coordinator
    const sqlite = await coordinator(join(tmp, 'pg-first.db'), data);
    const code = await sqlite.p.kill('SIGTERM');
    assert.equal(code, 0, `signal ${sqlite.p.child.signalCode}: ${sqlite.p.output()}`);
  });

  test('SQLite first: a PostgreSQL one is refused, naming it', async () => {
    const data = join(tmp, 'sqlite-first');
    const file = join(tmp, 'sqlite-first.db');
    const first = await coordinator(file, data);
    await refused(
      await pg.create(),
      data,
      new RegExp(
        `another coordinator runs on the data folder .*sqlite-first \\(pid ${first.p.child.pid}, port ${first.port} on 127\\.0\\.0\\.1, since \\d{4}-[^,]*, on the SQLite database ${file}\\): stop it first`,
      ),
    );
    assert.equal((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status, 200);
    assert.equal(await first.p.kill('SIGTERM'), 0);
  });
});
