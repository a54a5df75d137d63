// A capture batch's answer carries the node's next leases (docs/PROTOCOL.md "capture-batch", `lease`):
// tested as an attacker would use it. Every check of POST /v1/nodes/lease holds for a lease that rides on a
// batch: it goes to the session's node only, never past the node's cap, never for a cancelled job, never to
// a revoked or distrusted node, and a malformed ask is refused with the whole batch.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { CAPTURE_BATCH_CONTENT_TYPE, generateIdentity, type Identity, type SignedCapture } from '@sward/core';
import { CoordinatorClient } from '@sward/node';
import { pino } from 'pino';
import type { SqlExecutor } from '../packages/coordinator/src/store/sql-driver.js';
import { captureUpload } from './support/capture-maker.js';

type Lease = { leaseId: string; jobId: string; url: string };

function signed(node: Identity, lease: Lease, body: string) {
  const u = captureUpload(node, lease, { body, headers: { 'content-type': 'text/html' } });
  return {
    signed: { capture: u.capture, signature: u.signature } as SignedCapture,
    body: Buffer.from(u.body, 'base64'),
  };
}

const links = (n: number) =>
  `<html><body>${Array.from({ length: n }, (_, i) => `<a href="/p${i}">${i}</a>`).join('')}</body></html>`;

async function coordinator(leasesPerNode = 64, lines?: string[]): Promise<RunningCoordinator> {
  const dir = mkdtempSync(join(tmpdir(), 'sward-batch-leases-'));
  const coord = await startCoordinator({
    db: join(dir, 'sward.db'),
    dataDir: dir,
    scheduler: { hostDelayMs: 0, politeness: false, quotas: { leasesPerNode } },
    log: lines
      ? pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
      : pino({ level: 'silent' }),
    extractionThreads: 1,
  });
  after(async () => {
    await coord.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return coord;
}

function nodeClient(coord: RunningCoordinator) {
  const identity = generateIdentity();
  const client = new CoordinatorClient({
    coordinatorUrl: coord.url,
    identity,
    version: 'test',
    fingerprint: 'f'.repeat(64),
  });
  after(() => client.close());
  return { identity, client };
}

/** A job whose seed links to /p0…/p(n-1); the node has answered robots.txt and tdmrep.json and holds the seed. */
async function crawlToSeed(coord: RunningCoordinator, n: { identity: Identity; client: CoordinatorClient }) {
  const job = await coord.store.frontier.createJob(
    { tenant: 'default' },
    { seed: 'http://batch.test/', maxPages: 100, maxDepth: 1, include: [], exclude: [] },
  );
  for (const body of ['', 'nope']) {
    const [l] = await n.client.lease(1, 0);
    await n.client.submitCaptureBatch([signed(n.identity, l as Lease, body)]);
  }
  const [seed] = (await n.client.lease(1, 0)) as Lease[];
  assert.ok(seed, 'the seed is leased');
  return { job, seed };
}

async function heldBy(coord: RunningCoordinator, leaseIds: string[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const id of leaseIds) {
    const r = await coord.store.db.get<{ leased_to: string | null }>(
      "SELECT leased_to FROM urls WHERE lease_id = ? AND state = 'leased'",
      [id],
    );
    out.push(r?.leased_to ?? null);
  }
  return out;
}

test("a batch's answer brings the leases it asked for: the links its own captures queued, held by this node", async () => {
  const coord = await coordinator();
  const n = nodeClient(coord);
  const { seed } = await crawlToSeed(coord, n);
  const { results, leases } = await n.client.submitCaptureBatch([signed(n.identity, seed, links(6))], 4);
  assert.equal(results[0]?.accepted, true, 'the seed is stored');
  assert.ok(leases, 'the coordinator answers leases with captures');
  assert.equal(leases.length, 4, 'as many as asked, no more');
  assert.ok(
    leases.every((l) => /^http:\/\/batch\.test\/p\d$/.test(l.url)),
    `the seed's links: ${leases.map((l) => l.url)}`,
  );
  assert.deepEqual(
    await heldBy(
      coord,
      leases.map((l) => l.leaseId),
    ),
    leases.map(() => n.identity.id),
  );
  // without an ask, an answer has no leases: an older node is answered as before
  const [next] = (await n.client.lease(1, 0)) as Lease[];
  const plain = await n.client.submitCaptureBatch([signed(n.identity, next as Lease, links(0))]);
  assert.deepEqual(plain.leases, [], 'no ask, no leases');
});

test('a capture for another node’s lease is refused, and the leases its batch brings are the sender’s own', async () => {
  const coord = await coordinator();
  const a = nodeClient(coord);
  const b = nodeClient(coord);
  const { seed } = await crawlToSeed(coord, a);
  await a.client.submitCaptureBatch([signed(a.identity, seed, links(6))]);
  const aLeases = (await a.client.lease(2, 0)) as Lease[];
  assert.equal(aLeases.length, 2);
  // b signs a capture of a's lease and asks for leases in the same batch
  const stolen = signed(b.identity, aLeases[0] as Lease, links(3));
  const { results, leases } = await b.client.submitCaptureBatch([stolen], 8);
  assert.equal(results[0]?.accepted, false);
  assert.equal(results[0]?.accepted === false && results[0].error.code, 'LEASE_NOT_HELD');
  assert.ok(leases, 'leases answered');
  assert.ok(
    leases.every((l) => !aLeases.some((x) => x.leaseId === l.leaseId)),
    'none of a’s leases is handed to b',
  );
  assert.deepEqual(
    await heldBy(
      coord,
      aLeases.map((l) => l.leaseId),
    ),
    [a.identity.id, a.identity.id],
    'a still holds its leases',
  );
  assert.deepEqual(
    await heldBy(
      coord,
      leases.map((l) => l.leaseId),
    ),
    leases.map(() => b.identity.id),
  );
});

test('a node asking in batches for more than its cap gets no more than the cap; a bad ask is refused whole', async () => {
  const coord = await coordinator(3);
  const n = nodeClient(coord);
  const { seed, job } = await crawlToSeed(coord, n);
  // the node holds the seed (1 of its 3) and asks for 64
  const { leases } = await n.client.submitCaptureBatch([signed(n.identity, seed, links(10))], 64);
  assert.equal(leases?.length, 3, 'the cap, now that the seed is answered');
  const again = await n.client.submitCaptureBatch(
    [signed(n.identity, (leases as Lease[])[0] as Lease, links(0))],
    64,
  );
  assert.equal(again.leases?.length, 1, 'one answered, one more: never past the cap');

  // a frame asking for 65, 0 or "all" is refused whole: its capture is not stored either
  await n.client.authenticate();
  const token = (n.client as unknown as { token: string }).token;
  const victim = (leases as Lease[])[1] as Lease;
  const cap = signed(n.identity, victim, links(0));
  for (const ask of [65, 0, 'all', -1, 2.5]) {
    const head = Buffer.from(
      JSON.stringify({
        v: 1,
        captures: [
          { capture: cap.signed.capture, signature: cap.signed.signature, bodyBytes: cap.body.length },
        ],
        lease: { max: ask },
      }),
    );
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(head.length);
    const res = await coord.app.request('/v1/nodes/capture-batch', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': CAPTURE_BATCH_CONTENT_TYPE },
      body: Buffer.concat([prefix, head, cap.body]),
    });
    assert.equal(res.status, 400, `lease.max ${ask} is refused`);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /head\.lease/);
  }
  const stored = await coord.store.db.get<{ n: number }>(
    'SELECT count(*) AS n FROM captures WHERE job_id = ? AND lease_id = ?',
    [job.id, victim.leaseId],
  );
  assert.equal(Number(stored?.n), 0, 'nothing of a refused frame is stored');
});

test('a cancelled job’s URLs never ride on an answer, and a distrusted or revoked node gets none', async () => {
  const coord = await coordinator();
  const n = nodeClient(coord);
  const { seed, job } = await crawlToSeed(coord, n);
  await n.client.submitCaptureBatch([signed(n.identity, seed, links(6))]);
  const [one, two] = (await n.client.lease(2, 0)) as Lease[];
  await coord.store.frontier.cancelJob('default', job.id);
  const afterCancel = await n.client.submitCaptureBatch([signed(n.identity, one as Lease, links(0))], 8);
  assert.deepEqual(afterCancel.leases, [], 'nothing of the cancelled job');

  // a second job, and the node drops below the spot-check bar: the answer brings nothing, /lease says why
  const job2 = await coord.store.frontier.createJob(
    { tenant: 'default' },
    { seed: 'http://batch.test/again', maxPages: 100, maxDepth: 1, include: [], exclude: [] },
  );
  await coord.store.db.run('UPDATE nodes SET credibility = 0 WHERE id = ?', [n.identity.id]);
  const distrusted = await n.client.submitCaptureBatch([signed(n.identity, two as Lease, links(0))], 8);
  assert.deepEqual(distrusted.leases, [], 'a distrusted node gets no work in an answer');
  await assert.rejects(n.client.lease(1, 0), /NODE_DISTRUSTED/);
  const leased = await coord.store.db.get<{ n: number }>(
    "SELECT count(*) AS n FROM urls WHERE job_id = ? AND state = 'leased'",
    [job2.id],
  );
  assert.equal(Number(leased?.n), 0, 'the new job’s URLs stay queued');

  await coord.store.db.run('UPDATE nodes SET credibility = 1 WHERE id = ?', [n.identity.id]);
  await coord.store.auth.revokeNode(n.identity.id);
  const revoked = await n.client
    .submitCaptureBatch([signed(n.identity, two as Lease, links(0))], 8)
    .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  assert.ok(
    revoked instanceof Error || revoked.leases?.length === 0,
    'a revoked node is refused, or answered without leases',
  );
  const stillQueued = await coord.store.db.get<{ n: number }>(
    "SELECT count(*) AS n FROM urls WHERE job_id = ? AND state = 'leased'",
    [job2.id],
  );
  assert.equal(Number(stillQueued?.n), 0);
});

test('a session whose node row is gone gets no leases, from /lease or from a batch’s answer', async () => {
  const coord = await coordinator();
  const n = nodeClient(coord);
  const { seed, job } = await crawlToSeed(coord, n);
  await n.client.submitCaptureBatch([signed(n.identity, seed, links(6))]);
  const [held] = (await n.client.lease(1, 0)) as Lease[];
  // The node's row goes (an operator's clean-up, a restore from an older backup); its session stays.
  await coord.store.db.run('DELETE FROM nodes WHERE id = ?', [n.identity.id]);
  await assert.rejects(n.client.lease(4, 0), /NODE_REVOKED/, '/lease refuses it');
  const answer = await n.client
    .submitCaptureBatch([signed(n.identity, held as Lease, links(0))], 8)
    .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  assert.ok(answer instanceof Error, 'its batch is refused whole');
  assert.match(answer.message, /NODE_UNKNOWN|not registered/);
  const leased = await coord.store.db.all<{ url: string }>(
    "SELECT url FROM urls WHERE job_id = ? AND state = 'leased'",
    [job.id],
  );
  assert.deepEqual(
    leased.map((r) => r.url),
    [(held as Lease).url],
    'nothing leased beyond what it held',
  );
});

test('a node request reads its session and its node in one statement', async () => {
  const coord = await coordinator();
  const n = nodeClient(coord);
  const { seed } = await crawlToSeed(coord, n);
  const seen: string[] = [];
  const db = coord.store.db;
  for (const m of ['get', 'all', 'run'] as const) {
    const plain = db[m].bind(db) as (sql: string, p?: unknown[]) => Promise<unknown>;
    Object.assign(db, {
      [m]: (sql: string, p?: unknown[]) => {
        seen.push(sql);
        return plain(sql, p);
      },
    });
  }
  const { leases } = await n.client.submitCaptureBatch([signed(n.identity, seed, links(4))], 2);
  assert.equal(leases?.length, 2);
  await n.client.lease(1, 0);
  const sessions = seen.filter((s) => /FROM sessions/.test(s));
  assert.equal(sessions.length, 2, `one session read per request: ${sessions.join('\n')}`);
  assert.ok(
    sessions.every((s) => /JOIN nodes/.test(s)),
    'the node’s standing comes with it',
  );
  assert.deepEqual(
    seen.filter((s) => /SELECT \* FROM nodes/.test(s)),
    [],
    'no separate read of the node’s row',
  );
});

test('on SQLite a batch and the leases it asks for are one transaction; a claim that fails there leaves the batch stored', async () => {
  const logged: string[] = [];
  const coord = await coordinator(64, logged);
  const n = nodeClient(coord);
  const { seed, job } = await crawlToSeed(coord, n);
  const db = coord.store.db;
  // The statements of each transaction (the sequencer and the extraction pool open their own meanwhile).
  const transaction = db.transaction.bind(db);
  const txs: string[][] = [];
  Object.assign(db, {
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
      transaction((tx) => {
        const seen: string[] = [];
        txs.push(seen);
        const note = (sql: string) => {
          seen.push(sql);
          return sql;
        };
        return fn({
          all: (sql, p) => tx.all(note(sql), p),
          get: (sql, p) => tx.get(note(sql), p),
          run: (sql, p) => tx.run(note(sql), p),
        });
      }),
  });
  const first = await n.client.submitCaptureBatch([signed(n.identity, seed, links(6))], 2);
  assert.equal(first.results[0]?.accepted, true);
  assert.equal(first.leases?.length, 2);
  const storing = txs.filter((t) => t.some((s) => /INSERT INTO captures/.test(s)));
  const claiming = txs.filter((t) => t.some((s) => /FROM hosts h/.test(s)));
  assert.equal(storing.length, 1, 'the capture stored in one transaction');
  assert.deepEqual(claiming, storing, 'the leases claimed in that same transaction');

  // The database refuses any new lease (a real failure inside the claim): the batch's captures still stand.
  await db.run(
    `CREATE TRIGGER no_leases BEFORE UPDATE OF state ON urls WHEN NEW.state = 'leased'
     BEGIN SELECT RAISE(ABORT, 'no leases now'); END`,
  );
  const [a, b] = first.leases as Lease[];
  const second = await n.client.submitCaptureBatch(
    [signed(n.identity, a as Lease, links(0)), signed(n.identity, b as Lease, links(0))],
    4,
  );
  assert.deepEqual(
    second.results.map((r) => r.accepted),
    [true, true],
    'both captures accepted',
  );
  assert.deepEqual(second.leases, [], 'no leases from a claim that failed');
  const warned = logged
    .map((l) => JSON.parse(l))
    .filter((l) => /lease claim inside a capture batch/.test(l.msg));
  assert.equal(warned.length, 1, 'the failed claim is logged once');
  assert.match(warned[0].err?.message ?? '', /no leases now/, 'with the database’s reason');
  assert.equal(warned[0].node, n.identity.id, 'and the node it was for');
  const stored = await db.get<{ n: number }>(
    "SELECT count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored' AND lease_id IN (?, ?)",
    [job.id, (a as Lease).leaseId, (b as Lease).leaseId],
  );
  assert.equal(Number(stored?.n), 2, 'both are stored');
  await db.run('DROP TRIGGER no_leases');
  assert.equal((await n.client.lease(1, 0)).length, 1, 'the next claim leases again');
});
