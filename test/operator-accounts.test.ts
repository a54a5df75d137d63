import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import { generateIdentity, type Identity, signBytes, signEnrolment, signRegistration } from '@sward/core';
import { startNode } from '@sward/node';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { schedulerFor } from '../packages/coordinator/src/open-store.js';
import { quietCoordinator } from './support/api-call.js';
import { backends } from './support/backends.js';

const AUTH_PREFIX = 'sward-node-auth:v1:'; // docs/PROTOCOL.md, node login

// biome-ignore lint/suspicious/noExplicitAny: test-only access to response fields
type Json = any;

let co: RunningCoordinator;
let dir: string;

async function call(
  method: string,
  path: string,
  body?: unknown,
  bearer?: string,
  from?: { peer: string; xff?: string },
) {
  const res = await co.app.request(
    path,
    {
      method,
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(from?.xff ? { 'x-forwarded-for': from.xff } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    },
    from ? { incoming: { socket: { remoteAddress: from.peer } } } : undefined,
  );
  const text = await res.text();
  let json: Json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}

/** A node's login as docs/PROTOCOL.md has it, with whatever extra fields the caller sends. */
async function session(node: Identity, extra: Record<string, unknown> = {}) {
  const ch = await call('POST', '/v1/nodes/challenge', { nodeId: node.id });
  assert.equal(ch.status, 200, ch.text);
  const signature = signBytes(node, Buffer.from(AUTH_PREFIX + ch.json.nonce, 'utf8'));
  return call('POST', '/v1/nodes/session', { nodeId: node.id, nonce: ch.json.nonce, signature, ...extra });
}

const register = (op: Identity, r: { name?: string; referralCode?: string } = {}, node?: Identity) =>
  call('POST', '/v1/operators', signRegistration(op, r, node));

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('condition not reached in 10 s');
}

async function start(db: string) {
  co = await quietCoordinator(db, dir, { scheduler: { hostDelayMs: 0 } });
}

for (const backend of backends())
  describe(`operators are accounts: ${backend.name}`, () => {
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sward-operators-'));
      await start(backend.name === 'sqlite' ? join(dir, 'sward.db') : await backend.create());
    });
    after(async () => {
      await co?.close();
      rmSync(dir, { recursive: true, force: true });
      await backend.cleanup();
    });

    test('mallory cannot make herself alice’s referrer, and alice’s own code is never ignored', async () => {
      const bob = generateIdentity();
      const alice = generateIdentity();
      const mallory = generateIdentity();
      const bobReg = await register(bob, { name: 'bob' });
      assert.equal(bobReg.status, 201, bobReg.text);
      const malReg = await register(mallory, { name: 'mallory' });
      assert.equal(malReg.status, 201, malReg.text);

      // Alice mistypes bob's code: refused with the field and reason, nothing stored, so she can retry.
      const typo = await register(alice, { name: 'alice', referralCode: 'ref-nope' });
      assert.equal(typo.status, 400, typo.text);
      assert.match(typo.json.error.message, /^referralCode: no operator has referral code ref-nope/);
      const aliceReg = await register(alice, { name: 'alice', referralCode: bobReg.json.referralCode });
      assert.equal(aliceReg.status, 201, aliceReg.text);
      assert.equal(aliceReg.json.referredBy, bob.id);

      // The old hijack: mallory's node says it is alice's, with mallory's referral code.
      const malNode = generateIdentity();
      const hijack = await session(malNode, { operator: 'alice', referralCode: malReg.json.referralCode });
      assert.equal(hijack.status, 400, hijack.text);
      assert.match(hijack.json.error.message, /operator: no longer accepted: register the operator key/);
      // Naming alice's key in an enrolment mallory signed does not verify either.
      const forged = {
        operatorKey: alice.id,
        signature: signEnrolment(mallory, malNode.id).signature,
      };
      const forgedRes = await session(malNode, { enrolment: forged });
      assert.equal(forgedRes.status, 400, forgedRes.text);
      assert.equal(forgedRes.json.error.code, 'BAD_SIGNATURE');
      // Registering a key of her own under alice's name is refused too, and so is any other case of it.
      const nameGrab = await register(generateIdentity(), { name: 'alice' });
      assert.equal(nameGrab.status, 409, nameGrab.text);
      for (const name of ['Alice', 'ALICE', 'aLiCe']) {
        const posing = await register(generateIdentity(), { name });
        assert.equal(posing.status, 409, `${name}: ${posing.text}`);
        assert.equal(
          posing.json.error.message,
          `name: ${name} is taken: operator alice exists, and names are unique whatever their case`,
        );
      }
      // What mallory can do: enrol her node under her own account.
      const own = await session(malNode, { enrolment: signEnrolment(mallory, malNode.id) });
      assert.equal(own.status, 200, own.text);
      assert.equal(own.json.operator, mallory.id);

      const a = await co.rewards.operators.byKey(alice.id);
      assert.equal(a?.referredBy, bob.id, 'alice is still referred by bob');
      assert.equal((await co.rewards.operators.byKey(mallory.id))?.referredBy, null);

      // Alice (or anyone replaying her request) registering again with the same code: the same account.
      const again = await register(alice, { name: 'alice', referralCode: bobReg.json.referralCode });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.created, false);
      // A different code later is refused with the reason, never silently dropped.
      const late = await register(alice, { name: 'alice', referralCode: malReg.json.referralCode });
      assert.equal(late.status, 409, late.text);
      assert.match(late.json.error.message, /referral code is set once, at registration/);
      assert.equal((await co.rewards.operators.byKey(alice.id))?.referredBy, bob.id);
    });

    test('sward-node registers its operator key and enrols itself; a referral code refused stops it with the reason', async () => {
      const quiet = pino({ level: 'silent' });
      const cfg = (name: string, extra: Record<string, string> = {}) => ({
        coordinatorUrl: co.url,
        keyFile: join(dir, name, 'node.key'),
        logFile: join(dir, name, 'log.jsonl'),
        stateFile: join(dir, name, 'state.json'),
        allowPrivate: true,
        leaseWaitMs: 200,
        ...extra,
      });
      const first = await startNode(cfg('carol-1', { operator: 'carol' }), { logger: quiet });
      await waitFor(async () => (await co.store.auth.getNode(first.id))?.operator != null);
      const carol = await co.rewards.operators.byName('carol');
      assert.equal((await co.store.auth.getNode(first.id))?.operator, carol?.operator);
      assert.equal(carol?.publicKey, carol?.operator);
      await first.stop();
      // A friend of carol's, with carol's code: referred by carol.
      const dan = await startNode(
        cfg('dan-1', { operator: 'dan', referralCode: carol?.referralCode as string }),
        { logger: quiet },
      );
      await waitFor(async () => (await co.rewards.operators.byName('dan')) !== null);
      assert.equal((await co.rewards.operators.byName('dan'))?.referredBy, carol?.operator);
      await dan.stop();
      // A mistyped code: the node stops and says why, rather than run without the referral asked for.
      const typo = await startNode(cfg('erin-1', { operator: 'erin', referralCode: 'ref-typo' }), {
        logger: quiet,
      });
      await assert.rejects(typo.done, (e: Error & { code?: string }) => {
        assert.equal(e.code, 'OPERATOR_REFUSED');
        assert.match(e.message, /referralCode: no operator has referral code ref-typo/);
        return true;
      });
      assert.equal(await co.rewards.operators.byName('erin'), null);
    });

    test('a node belongs to the operator that enrolled it; another operator cannot take it over', async () => {
      const alice = generateIdentity();
      const eve = generateIdentity();
      assert.equal((await register(alice)).status, 201);
      assert.equal((await register(eve)).status, 201);
      const node = generateIdentity();
      const first = await session(node, { enrolment: signEnrolment(alice, node.id) });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.operator, alice.id);
      // Eve holds the node's key too (say she copied the file): she still cannot move its earnings.
      const steal = await session(node, { enrolment: signEnrolment(eve, node.id) });
      assert.equal(steal.status, 409, steal.text);
      assert.match(steal.json.error.message, /belongs to one operator/);
      assert.equal((await co.store.auth.getNode(node.id))?.operator, alice.id);
      // An unregistered key cannot enrol anything.
      const stranger = generateIdentity();
      const n2 = generateIdentity();
      const unknown = await session(n2, { enrolment: signEnrolment(stranger, n2.id) });
      assert.equal(unknown.status, 404, unknown.text);
      assert.match(unknown.json.error.message, /not registered/);
    });

    test('the sybil evidence records the address a session and a heartbeat came from, not one the node names', async () => {
      const node = generateIdentity();
      const from = { peer: '203.0.113.44', xff: '198.51.100.1' };
      const ch = await call('POST', '/v1/nodes/challenge', { nodeId: node.id });
      const signature = signBytes(node, Buffer.from(AUTH_PREFIX + ch.json.nonce, 'utf8'));
      const s = await call(
        'POST',
        '/v1/nodes/session',
        { nodeId: node.id, nonce: ch.json.nonce, signature },
        undefined,
        from,
      );
      assert.equal(s.status, 200, s.text);
      const hb = await call('POST', '/v1/nodes/heartbeat', { stats: {} }, s.json.token, from);
      assert.equal(hb.status, 200, hb.text);
      const sessions = await co.store.db.all<{ ip: string }>(
        'SELECT ip FROM rw_node_sessions WHERE node_id = ?',
        [node.id],
      );
      const slots = await co.store.db.all<{ ip: string }>('SELECT ip FROM rw_uptime WHERE node_id = ?', [
        node.id,
      ]);
      assert.deepEqual(
        [...sessions.map((r) => r.ip), ...slots.map((r) => r.ip)],
        ['203.0.113.44', '203.0.113.44'],
      );
    });

    test('a revoked node loses its leases at once; a revoked operator loses every node and cannot enrol', async () => {
      const admin = co.firstApiKey as string;
      const op = generateIdentity();
      assert.equal((await register(op, { name: 'leaser' })).status, 201);
      const node = generateIdentity();
      const s = await session(node, { enrolment: signEnrolment(op, node.id) });
      assert.equal(s.status, 200, s.text);
      const job = await call('POST', '/v1/jobs', { seed: 'http://revoke.test/', maxPages: 1 }, admin);
      assert.equal(job.status, 201, job.text);
      const leased = await call('POST', '/v1/nodes/lease', { max: 1 }, s.json.token);
      assert.equal(leased.json.leases.length, 1, leased.text);
      const leaseId = leased.json.leases[0].leaseId;

      // An API key without operators:admin may not revoke.
      const customer = await co.store.auth.createApiKey({
        name: 'c',
        tenant: 'acme',
        role: 'customer',
        scopes: ['crawl'],
      });
      const denied = await call('POST', `/v1/admin/nodes/${node.id}/revoke`, {}, customer.key);
      assert.equal(denied.status, 403, denied.text);
      assert.equal((await co.store.frontier.getLease(leaseId))?.state, 'leased');

      const rev = await call('POST', `/v1/admin/nodes/${node.id}/revoke`, {}, admin);
      assert.equal(rev.status, 200, rev.text);
      assert.deepEqual([rev.json.revoked, rev.json.leasesTakenBack], [true, 1]);
      // The lease is gone from the node and its URL is queued for another, before any deadline passed.
      assert.equal(await co.store.frontier.getLease(leaseId), undefined);
      const queued = await co.store.db.get<{ state: string; leased_to: string | null }>(
        "SELECT state, leased_to FROM urls WHERE job_id = ? AND state <> 'skipped' ORDER BY id LIMIT 1",
        [job.json.id],
      );
      assert.deepEqual({ ...queued }, { state: 'queued', leased_to: null });
      // A lease call that passed the route's check just before the revoke: the scheduler itself refuses the
      // node, so no lease reaches it after its leases were taken back.
      const more = await call('POST', '/v1/jobs', { seed: 'http://after-revoke.test/', maxPages: 1 }, admin);
      assert.equal(more.status, 201, more.text);
      assert.deepEqual(await schedulerFor(co.store).claim(node.id, 4), []);
      assert.equal(
        (
          await co.store.db.get<{ n: number }>('SELECT count(*) AS n FROM urls WHERE leased_to = ?', [
            node.id,
          ])
        )?.n,
        0,
      );
      assert.equal((await call('POST', '/v1/nodes/lease', { max: 1 }, s.json.token)).status, 401);
      assert.equal((await call('POST', '/v1/nodes/challenge', { nodeId: node.id })).status, 403);

      // The operator: its other node goes too, and it can neither register again nor enrol more.
      const node2 = generateIdentity();
      assert.equal((await session(node2, { enrolment: signEnrolment(op, node2.id) })).status, 200);
      const revOp = await call('POST', `/v1/admin/operators/${op.id}/revoke`, {}, admin);
      assert.equal(revOp.status, 200, revOp.text);
      assert.deepEqual(revOp.json.nodes.sort(), [node.id, node2.id].sort());
      assert.notEqual((await co.store.auth.getNode(node2.id))?.revokedAt, null);
      assert.equal((await register(op, { name: 'leaser' })).status, 403);
      const node3 = generateIdentity();
      assert.equal((await session(node3, { enrolment: signEnrolment(op, node3.id) })).status, 403);
      const missing = await call('POST', '/v1/admin/operators/nobody/revoke', {}, admin);
      assert.equal(missing.status, 404, missing.text);
      // Both revokes are in the append-only audit log with the admin key as actor; the refused ones are not.
      const adminPrincipal = await co.store.auth.checkApiKey(admin);
      const adminKeyId = typeof adminPrincipal === 'object' ? adminPrincipal?.keyId : undefined;
      assert.ok(adminKeyId);
      const revokes = (await co.store.audit.list()).filter((a) => a.action.endsWith('.revoke'));
      assert.deepEqual(
        revokes.map((a) => [a.actor, a.action, a.target]),
        [
          [adminKeyId, 'node.revoke', node.id],
          [adminKeyId, 'operator.revoke', op.id],
        ],
      );
    });
  });

/**
 * A database from before operators had keys: name-only operators with a balance. Opening it keeps the
 * accounts and reserves their names; only a node already bound to a name can claim it with a key.
 */
for (const backend of backends())
  test(`old databases: legacy operator names are kept, reserved and claimable only by their nodes: ${backend.name}`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'sward-operators-old-'));
    // empty: the tables below are an old version's, which the coordinator's start then migrates
    const db = backend.name === 'sqlite' ? join(dir, 'sward.db') : await backend.create({ empty: true });
    const legacyNode = generateIdentity();
    const otherLegacyNode = generateIdentity();
    const old = [
      `CREATE TABLE rw_operators (operator TEXT PRIMARY KEY, referral_code TEXT NOT NULL UNIQUE, referred_by TEXT,
         created_at BIGINT NOT NULL)`,
      `CREATE TABLE rw_uptime (node_id TEXT NOT NULL, slot BIGINT NOT NULL, PRIMARY KEY (node_id, slot))`,
      `CREATE TABLE nodes (id TEXT PRIMARY KEY, operator TEXT, fingerprint TEXT, version TEXT, created_at BIGINT NOT NULL,
         last_seen BIGINT, last_ip TEXT, revoked_at BIGINT, credibility DOUBLE PRECISION NOT NULL DEFAULT 1)`,
      `INSERT INTO rw_operators VALUES ('alice', 'ref-alice', NULL, 1)`,
      `INSERT INTO nodes (id, operator, created_at) VALUES ('${legacyNode.id}', 'alice', 1)`,
      // Two names that differ only by case, from before names were unique whatever their case.
      `INSERT INTO rw_operators VALUES ('Alice', 'ref-Alice', NULL, 2)`,
      `INSERT INTO nodes (id, operator, created_at) VALUES ('${otherLegacyNode.id}', 'Alice', 2)`,
    ];
    if (backend.name === 'sqlite') {
      const s = new Database(db);
      for (const q of old) s.exec(q.replace('DOUBLE PRECISION', 'REAL'));
      s.close();
    } else {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      for (const q of old) await c.query(q);
      await c.end();
    }
    try {
      await start(db);
      const row = await co.rewards.operators.get('alice');
      assert.deepEqual([row?.name, row?.publicKey, row?.referralCode], ['alice', null, 'ref-alice']);
      // Someone else's key cannot take the old name, even naming the legacy node without its signature.
      const mallory = generateIdentity();
      const grab = await register(mallory, { name: 'alice' });
      assert.equal(grab.status, 409, grab.text);
      const withOtherNode = await register(mallory, { name: 'alice' }, generateIdentity());
      assert.equal(withOtherNode.status, 409, withOtherNode.text);
      // Alice's own node signs her registration: the old account (id, code, balance) becomes hers.
      const alice = generateIdentity();
      const claim = await register(alice, { name: 'alice' }, legacyNode);
      assert.equal(claim.status, 200, claim.text);
      assert.deepEqual([claim.json.operator, claim.json.referralCode], ['alice', 'ref-alice']);
      const s = await session(legacyNode, { enrolment: signEnrolment(alice, legacyNode.id) });
      assert.equal(s.status, 200, s.text);
      assert.equal(s.json.operator, 'alice');
      // The two that differ only by case are both kept; no new name may be either, whatever its case.
      const Alice = await co.rewards.operators.get('Alice');
      assert.deepEqual([Alice?.name, Alice?.referralCode], ['Alice', 'ref-Alice']);
      const third = await register(generateIdentity(), { name: 'ALICE' });
      assert.equal(third.status, 409, third.text);
      assert.match(third.json.error.message, /^name: ALICE is taken: operator alice exists/);
      // …and each is still claimed by its own node, by its own spelling only.
      const wrongCase = await register(generateIdentity(), { name: 'alice' }, otherLegacyNode);
      assert.equal(wrongCase.status, 409, wrongCase.text);
      const own = await register(generateIdentity(), { name: 'Alice' }, otherLegacyNode);
      assert.equal(own.status, 200, own.text);
      assert.equal(own.json.operator, 'Alice');
    } finally {
      await co?.close();
      rmSync(dir, { recursive: true, force: true });
      await backend.cleanup();
    }
  });
