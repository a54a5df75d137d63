import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, startCoordinator } from '@sward/coordinator';
import {
  exportPrivateKeyPem,
  generateIdentity,
  leafHash,
  merkleRootOf,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
} from '@sward/core';
import pg from 'pg';
import { pino } from 'pino';
import { BLOB_STORE_MARKER } from '../packages/coordinator/src/blob/blob-store-id.js';
import { loadLogKey } from '../packages/coordinator/src/log/log-key.js';
import { LogStore } from '../packages/coordinator/src/log/log-store.js';
import { LOG_WRITER_LOCK } from '../packages/coordinator/src/log/log-writer-lock.js';
import { backends } from './support/backends.js';
import { assertOneLineFailure, run } from './support/cli-run.js';
import { insertFakeCaptures } from './support/fake-captures.js';
import { SOURCE_FLAGS } from './support/processes.js';

const quiet = pino({ level: 'silent' });
const ORIGIN = 'sward.local/log';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const peer = (db: string, dataDir: string, extra: { logKeyFile?: string } = {}) =>
  startCoordinator({
    db,
    dataDir,
    collections: { refresh: false },
    log: quiet,
    ...extra,
  });

for (const backend of backends()) {
  describe(`coordinator peers agree or refuse to start: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-peers-'));
    after(async () => {
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('a peer with another log key or another blob folder is refused, naming what differs', async () => {
      const db = await backend.create();
      const shared = join(tmp, `${backend.name}-shared`);
      const first = await peer(db, shared);
      await insertFakeCaptures(first.store, 5, 'first');
      await first.flushLog();
      const before = await first.store.db.all('SELECT size, note FROM checkpoints ORDER BY size');
      assert.equal(before.length, 1);
      // The same folder (log key and blobs) is welcome: a second replica, running beside the first. SQLite has
      // one coordinator per file (test/sqlite-one-coordinator.test.ts): there the later starts come after it.
      const sideBySide = backend.name === 'postgres';
      if (!sideBySide) await first.close();
      const second = await peer(db, shared);
      await second.close();

      // Its own log key, blobs shared: an attacker's or a careless replica's key must never sign here.
      const ownKey = join(tmp, `${backend.name}-other.key`);
      const mine = loadLogKey(ownKey, ORIGIN).keyId.slice(0, 16);
      await assert.rejects(peer(db, shared, { logKeyFile: ownKey }), (e: Error) => {
        assert.equal(e.name, 'CoordinatorError');
        assert.equal((e as { code?: string }).code, 'CONFIG');
        assert.doesNotMatch(e.message, /\n/);
        const theirs = loadLogKey(join(shared, 'log.key'), ORIGIN).keyId.slice(0, 16);
        assert.match(
          e.message,
          new RegExp(`log key differs: ${ownKey} has public key ${mine}…, the database records ${theirs}…`),
        );
        assert.match(e.message, /--log-key/);
        assert.doesNotMatch(e.message, /blob store differs/);
        return true;
      });
      // The operator's key file was there before the start: refused, but not the start's to remove.
      assert.equal(
        loadLogKey(ownKey, ORIGIN).keyId.slice(0, 16),
        mine,
        'a key the start did not write is kept',
      );

      // A key path with no key yet: the start writes one, is refused, and removes it again (left behind, it
      // would be read and refused at every later start, and look like a key of this network).
      const newKey = join(tmp, `${backend.name}-new`, 'log.key');
      await assert.rejects(peer(db, shared, { logKeyFile: newKey }), (e: Error) => {
        assert.match(
          e.message,
          /log key differs: .*new\/log\.key has public key [0-9a-f]{16}… \(a key new to this start, not kept\)/,
        );
        return true;
      });
      assert.equal(existsSync(newKey), false, 'a refused start leaves no log key of its own behind');

      // Its own, empty data folder (the network's key copied in): its bodies would be missing for the others.
      const alone = join(tmp, `${backend.name}-alone`);
      await assert.rejects(peer(db, alone, { logKeyFile: join(shared, 'log.key') }), (e: Error) => {
        assert.match(
          e.message,
          /blob store differs: .*alone\/blobs is blob store [0-9a-f-]{36} \(an empty folder/,
        );
        assert.match(e.message, /--data-dir/);
        assert.doesNotMatch(e.message, /log key differs/);
        return true;
      });
      assert.equal(
        existsSync(join(alone, 'blobs', BLOB_STORE_MARKER)),
        false,
        'a refused start leaves no marker of its own behind',
      );

      // Both wrong at once: one line names both.
      await assert.rejects(peer(db, join(tmp, `${backend.name}-both`)), (e: Error) => {
        assert.match(e.message, /log key differs: .*; blob store differs: /);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });

      // A forged marker (another store's id written into the shared folder) is refused as well.
      const forged = join(tmp, `${backend.name}-forged`);
      const other = await peer(await backend.create(), forged);
      await other.close();
      const stranger = readFileSync(join(forged, 'blobs', BLOB_STORE_MARKER), 'utf8').trim();
      await assert.rejects(peer(db, forged, { logKeyFile: join(shared, 'log.key') }), (e: Error) => {
        assert.match(e.message, new RegExp(`is blob store ${stranger}, the database records`));
        assert.doesNotMatch(e.message, /an empty folder/);
        return true;
      });

      // Nothing the refused starts did reached the network's log.
      const store = sideBySide ? first.store : await openStore(db);
      const after = await store.db.all('SELECT size, note FROM checkpoints ORDER BY size');
      assert.deepEqual(after, before);
      await (sideBySide ? first.close() : store.close());
    });

    // Replicas starting side by side are a PostgreSQL setup (SQLite has one coordinator per file).
    test('two first starts at once with different keys: one wins, the other is refused', {
      skip: backend.name !== 'postgres',
    }, async () => {
      // an empty database: both first starts make its schema at once too, under the migration's lock
      const db = await backend.create({ empty: true });
      const shared = join(tmp, `${backend.name}-race`);
      const a = join(tmp, `${backend.name}-race-a.key`);
      const b = join(tmp, `${backend.name}-race-b.key`);
      const results = await Promise.allSettled([
        peer(db, shared, { logKeyFile: a }),
        peer(db, shared, { logKeyFile: b }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      for (const r of ok) await (r as PromiseFulfilledResult<Awaited<ReturnType<typeof peer>>>).value.close();
      assert.equal(ok.length, 1, 'exactly one of them starts');
      assert.equal(refused.length, 1);
      assert.match(String((refused[0] as PromiseRejectedResult).reason), /log key differs/);
    });
  });
}

describe('sward coordinator refuses to join a network it does not match', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-peers-cli-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('one line on stderr, exit 2, before listening', async () => {
    const db = join(tmp, 'sward.db');
    const c = await peer(db, join(tmp, 'data'));
    await c.close();
    const key = join(tmp, 'stray.key');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(key, exportPrivateKeyPem(generateIdentity()), { mode: 0o600 });
    const r = await run([
      'coordinator',
      '--db',
      db,
      '--data-dir',
      join(tmp, 'data'),
      '--log-key',
      key,
      '--port',
      '0',
    ]);
    assertOneLineFailure(r, 2, 'sward coordinator', /log key differs: .*stray\.key has public key/);
  });
});

const pgBackend = backends().find((b) => b.name === 'postgres');

describe('one log for coordinators on one PostgreSQL', { skip: !pgBackend }, () => {
  const backend = pgBackend as NonNullable<typeof pgBackend>;
  const tmp = mkdtempSync(join(tmpdir(), 'sward-log-peers-'));
  after(async () => {
    await backend.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a background sequencer leaves the log to the holder of the writer lock; flush waits for it', async () => {
    const db = await backend.create();
    const co = await startCoordinator({
      db,
      dataDir: join(tmp, 'lock'),
      collections: { refresh: false },
      sequenceMs: 10,
      checkpoints: { everyLeaves: 1, everyMs: 10 },
      log: quiet,
    });
    after(() => co.close());
    // Another coordinator's sequencer, as the database sees it: a session holding the lock.
    const holder = new pg.Client({ connectionString: db });
    await holder.connect();
    after(() => holder.end());
    await holder.query(`SELECT pg_advisory_lock(${LOG_WRITER_LOCK})`);
    await insertFakeCaptures(co.store, 7, 'held');
    await sleep(300); // some 30 turns of the background sequencer
    const unsequenced = async () =>
      Number(
        (await co.store.db.get<{ n: number }>('SELECT count(*) AS n FROM captures WHERE leaf_index IS NULL'))
          ?.n,
      );
    assert.equal(await unsequenced(), 7, 'no leaf while another coordinator holds the writer lock');
    assert.equal((await co.checkpoints.latest()) ?? null, null, 'and no checkpoint');
    let flushed = false;
    const flush = co.flushLog().then(() => {
      flushed = true;
    });
    await sleep(200);
    assert.equal(flushed, false, 'flush waits for the lock instead of skipping');
    await holder.query(`SELECT pg_advisory_unlock(${LOG_WRITER_LOCK})`);
    await flush;
    assert.equal(await unsequenced(), 0);
    assert.equal((await co.checkpoints.latest())?.size, 7);
  });

  test('three coordinator processes appending at once keep one tree; every checkpoint is consistent with the next', async () => {
    const db = await backend.create();
    const dataDir = join(tmp, 'shared');
    // The first start creates the log key and the blob marker; the three peers then share them.
    await (await peer(db, dataDir)).close();
    const peers = ['a', 'b', 'c'].map((tag) => {
      const child = spawn(
        process.execPath,
        [
          ...SOURCE_FLAGS,
          'test/support/log-peer.ts',
          db,
          dataDir,
          join(tmp, `anchors-${tag}.jsonl`),
          tag,
          '40',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      return new Promise<number>((resolve, reject) =>
        child.once('exit', (code) =>
          code === 0
            ? resolve(Number(out.trim().split('\n').pop()))
            : reject(new Error(`peer ${tag} exited ${code}`)),
        ),
      );
    });
    const accepted = (await Promise.all(peers)).reduce((a, b) => a + b, 0);

    const store = await openStore(db);
    after(() => store.close());
    const rows = await store.db.all<{ signed: string; leaf_index: number | null }>(
      'SELECT signed, leaf_index FROM captures ORDER BY leaf_index',
    );
    assert.equal(rows.length, accepted);
    for (const [i, r] of rows.entries()) assert.equal(r.leaf_index, i, 'leaf indices are 0..n-1, each once');
    const leaves = rows.map((r) => leafHash(Buffer.from(r.signed, 'utf8')));
    const log = new LogStore(store.db);
    const head = await log.head();
    assert.equal(head.size, accepted);
    assert.deepEqual(head.root, merkleRootOf(leaves), 'the stored root is the root of every leaf in order');

    const verifier = parseVerifierKey(loadLogKey(join(dataDir, 'log.key'), ORIGIN).verifierKey);
    const cps = await store.db.all<{ size: number; note: string; anchor: string | null }>(
      'SELECT size, note, anchor FROM checkpoints ORDER BY size',
    );
    assert.ok(cps.length >= 3, `several checkpoints were issued (${cps.length})`);
    assert.equal(cps.at(-1)?.size, accepted, 'the last flush left a checkpoint covering everything');
    let prev: { size: number; root: Buffer } | null = null;
    for (const cp of cps) {
      const { checkpoint } = openCheckpoint(cp.note, [verifier], ORIGIN);
      assert.equal(checkpoint.size, cp.size);
      const root = merkleRootOf(leaves.slice(0, cp.size));
      assert.deepEqual(
        Buffer.from(checkpoint.rootHash),
        root,
        `checkpoint ${cp.size} signs the one tree's root`,
      );
      assert.ok(cp.anchor, `checkpoint ${cp.size} is anchored`);
      if (prev)
        verifyConsistency(
          prev.size,
          cp.size,
          await log.consistencyProof(prev.size, cp.size),
          prev.root,
          root,
        );
      prev = { size: cp.size, root };
    }
  });
});
