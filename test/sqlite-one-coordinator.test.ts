import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import { assertOneLineFailure, run } from './support/cli-run.js';
import { freePort, type Proc, sward } from './support/processes.js';

const quiet = pino({ level: 'silent' });
const start = (db: string, dataDir: string, port = 0) =>
  startCoordinator({ db, dataDir, port, collections: { refresh: false }, log: quiet });

describe('one coordinator per SQLite database', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-one-sqlite-'));
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a second start on the same file is refused, naming the first; free again once it closed', async () => {
    const dir = join(tmp, 'inproc');
    mkdirSync(dir);
    const db = join(dir, 'sward.db');
    const first = await start(db, join(dir, 'data'));
    const refused = (e: Error) => {
      assert.equal((e as { code?: string }).code, 'CONFLICT');
      assert.doesNotMatch(e.message, /\n/);
      assert.match(
        e.message,
        new RegExp(`another coordinator runs on the SQLite database ${db} \\(pid ${process.pid}, `),
      );
      assert.match(e.message, /stop it first/);
      return true;
    };
    // the same data folder, or another one on the same --db path, or the same file through a link
    await assert.rejects(start(db, join(dir, 'data')), refused);
    await assert.rejects(start(db, join(dir, 'other')), refused);
    symlinkSync(db, join(dir, 'link.db'));
    await assert.rejects(start(join(dir, 'link.db'), join(dir, 'data')), (e: Error) => {
      assert.match(e.message, /another coordinator runs on the SQLite database/);
      return true;
    });
    // the first one is untouched by the refusals
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
    await first.close();
    const again = await start(db, join(dir, 'data'));
    await again.close();
  });

  test('two SQLite files sharing one data folder: the second is refused, naming the first; free once it closed', async () => {
    const dir = join(tmp, 'one-folder');
    mkdirSync(dir);
    const data = join(dir, 'data');
    const first = await start(join(dir, 'a.db'), data);
    await assert.rejects(start(join(dir, 'b.db'), data), (e: Error) => {
      assert.equal((e as { code?: string }).code, 'CONFLICT');
      assert.doesNotMatch(e.message, /\n/);
      assert.match(
        e.message,
        new RegExp(
          `another coordinator runs on the data folder ${data} \\(pid ${process.pid}, .*own --data-dir`,
        ),
      );
      return true;
    });
    // b.db with a folder of its own starts beside the first
    const own = await start(join(dir, 'b.db'), join(dir, 'data-b'));
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
    await own.close();
    await first.close();
    const again = await start(join(dir, 'c.db'), data);
    await again.close();
  });

  test('a start that fails after its claim (a log key that does not parse) lets the database go', async () => {
    const dir = join(tmp, 'failed-start');
    mkdirSync(dir);
    const db = join(dir, 'sward.db');
    const key = join(dir, 'log.key');
    writeFileSync(key, 'not a key\n');
    await assert.rejects(
      startCoordinator({
        db,
        dataDir: join(dir, 'data'),
        logKeyFile: key,
        collections: { refresh: false },
        log: quiet,
      }),
      (e: Error) => {
        assert.doesNotMatch(e.message, /another coordinator runs/);
        return true;
      },
    );
    // the key fixed (made anew), the same process starts on the same file
    rmSync(key);
    const again = await startCoordinator({
      db,
      dataDir: join(dir, 'data'),
      logKeyFile: key,
      collections: { refresh: false },
      log: quiet,
    });
    assert.equal((await fetch(`${again.url}/healthz`)).status, 200);
    await again.close();
  });

  test('sward coordinator: one line, exit 1, naming the pid and port; a SIGKILLed one does not block its restart', async () => {
    const dir = join(tmp, 'procs');
    const db = join(dir, 'sward.db');
    const port = await freePort();
    const coordinator = (p: number) => {
      const proc = sward(['coordinator', '--db', db, '--port', String(p), '--host-delay-ms', '0']);
      procs.push(proc);
      return proc;
    };
    const first = coordinator(port);
    await first.waitFor(/listening on/);
    const other = await freePort();
    const r = await run(['coordinator', '--db', db, '--port', String(other)]);
    assertOneLineFailure(
      r,
      1,
      'sward coordinator',
      new RegExp(
        `another coordinator runs on the SQLite database ${db} \\(pid ${first.child.pid}, port ${port} on 127\\.0\\.0\\.1, since \\d{4}-`,
      ),
    );
    // The refused start listened nowhere and left the first one serving.
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

    // Killed with no chance to clean up: the kernel drops its lock, and a restart on the same file runs.
    await first.kill('SIGKILL');
    const restarted = coordinator(port);
    await restarted.waitFor(/listening on/);
    const third = await run(['coordinator', '--db', db, '--port', String(other)]);
    assertOneLineFailure(
      third,
      1,
      'sward coordinator',
      new RegExp(`pid ${restarted.child.pid}, port ${port}`),
    );
    assert.equal(await restarted.kill('SIGTERM'), 0);
  });
});

// Coordinators sharing a PostgreSQL database are a supported setup (docs/DEPLOY.md): no such claim there.
const pg = backends().find((b) => b.name === 'postgres');
describe('coordinators on one PostgreSQL database', { skip: !pg }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-pg-peers-'));
  after(async () => {
    await pg?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('two start side by side', async () => {
    const db = await (pg as NonNullable<typeof pg>).create();
    const a = await start(db, join(tmp, 'shared'));
    const b = await start(db, join(tmp, 'shared'));
    await b.close();
    await a.close();
  });
});
