import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Hono } from 'hono';
import { pino } from 'pino';
import { CoordinatorError } from '../errors.js';
import { openStore } from '../open-store.js';
import { verifyClaim } from '../rewards/payout-claim.js';
import { RewardsService } from '../rewards/rewards-service.js';
import { authorize } from './authorize.js';
import { contractCheck } from './contract-check.js';
import { rewardsRoutes } from './rewards-routes.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-rewards-routes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function setup() {
  const store = await openStore(join(dir, `${Math.random()}.db`));
  const rewards = new RewardsService(store.db);
  // The same error mapping api/app.ts does, so the test sees what clients see.
  const app = new Hono();
  // Every answer checked against the API contract, as under the test runner's SWARD_CONTRACT_CHECK.
  app.use('*', contractCheck(pino({ level: 'silent' })));
  app.use('*', authorize(store));
  app.route('/v1/rewards', rewardsRoutes({ store, rewards }));
  app.onError((err, c) =>
    err instanceof CoordinatorError
      ? c.json({ error: { code: err.code, message: err.message } }, err.httpStatus as 400)
      : c.json({ error: { code: 'STORAGE', message: String(err) } }, 500),
  );
  const { key } = await store.auth.createApiKey({
    name: 'admin',
    tenant: 'default',
    role: 'admin',
    scopes: ['rewards:admin'],
  });
  await store.auth.upsertNode({ id: 'n1', operator: 'alice', ip: '198.51.100.4' });
  await rewards.onNodeSession({ nodeId: 'n1', operator: 'alice' });
  const { token } = await store.auth.createSession('n1');
  return { store, rewards, app, key, token };
}

// Loose view of a JSON answer: the assertions below say what shape they expect.
// biome-ignore lint/suspicious/noExplicitAny: test-only access to response fields
type Json = any;
const json = async (r: Response): Promise<Json> => r.json();

const get = (app: Hono, path: string, bearer?: string) =>
  app.request(path, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

test('a node sees its operator’s numbers with its session token; others get 401', async () => {
  const { store, rewards, app, key, token } = await setup();
  await rewards.onCaptureAccepted({ captureId: 'c1', nodeId: 'n1', bytes: 0 });
  const res = await get(app, '/v1/rewards/node/status', token);
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.operator, 'alice');
  assert.equal(body.epochs[0].workPoints, 1_000_000);
  assert.equal(
    (await get(app, '/v1/rewards/node/status', key)).status,
    401,
    'an API key is not a node session',
  );
  assert.equal((await get(app, '/v1/rewards/node/status')).status, 401);
  await store.close();
});

test('admin routes need an API key: status, epochs, claims, flags', async () => {
  const { store, app, key, token } = await setup();
  assert.equal((await get(app, '/v1/rewards/flags', token)).status, 401);
  const st = await get(app, '/v1/rewards/operators/alice/status', key);
  assert.equal(st.status, 200);
  assert.equal((await json(st)).operator, 'alice');
  const epochs = await json(await get(app, '/v1/rewards/epochs', key));
  assert.equal(typeof epochs.current, 'number');
  const closed = await app.request('/v1/rewards/epochs/close', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ epoch: epochs.current }),
  });
  assert.equal(closed.status, 409, 'the current epoch cannot be closed yet');
  assert.equal((await json(closed)).error.code, 'CONFLICT');
  const missing = await get(app, '/v1/rewards/epochs/3/claims/op:alice', key);
  assert.equal(missing.status, 404);
  const flags = await json(await get(app, '/v1/rewards/flags?status=open', key));
  assert.deepEqual(flags.flags, []);
  const review = await app.request('/v1/rewards/flags/flag_nope/clear', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(review.status, 404);
  await store.close();
});

test('a closed epoch serves its table and each account’s claim proof', async () => {
  const { store, rewards, app, key } = await setup();
  const epoch = rewards.epochOf() - 3;
  await rewards.onCaptureAccepted({
    captureId: 'c1',
    nodeId: 'n1',
    bytes: 0,
    at: epoch * rewards.policy.epochMs,
  });
  await rewards.closeEpoch(epoch);
  const table = await json(await get(app, `/v1/rewards/epochs/${epoch}`, key));
  assert.deepEqual(table.payouts, [{ index: 0, account: 'op:alice', amount: 1_000_000 }]);
  const claim = await json(await get(app, `/v1/rewards/epochs/${epoch}/claims/op:alice`, key));
  assert.equal(claim.root, table.root);
  assert.deepEqual(verifyClaim(claim.root, claim), { ok: true });
  await store.close();
});

/** A capture row of `nodeId` as ingest stores it, paid as ingest pays it. */
async function fetched(
  w: Awaited<ReturnType<typeof setup>>,
  nodeId: string,
  id: string,
  url = `https://site.test/${id}`,
) {
  await w.store.db.run(
    `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, body_sha256,
       body_length, fetched_at, signed, outcome, created_at)
     VALUES (?, 'j_secret_customer_job', 0, ?, 'l', ?, ?, 200, ?, 10, ?, '{}', 'stored', 0)`,
    [id, nodeId, url, url, 'ab'.repeat(32), Date.UTC(2026, 0, 5)],
  );
  await w.rewards.onCaptureAccepted({ captureId: id, nodeId, bytes: 0 });
}

/** alice runs n1 and n1b; bob runs n2 (each with a session), carol n3 referred by alice, dave n4 by carol. */
async function operators() {
  const w = await setup();
  const node = async (id: string, operator: string) => {
    await w.store.auth.upsertNode({ id, operator });
    await w.rewards.onNodeSession({ nodeId: id, operator });
    return (await w.store.auth.createSession(id)).token;
  };
  const alice = w.token;
  await node('n1b', 'alice');
  const bob = await node('n2', 'bob');
  const carol = await node('n3', 'carol');
  await node('n4', 'dave');
  await node('n5', 'erin');
  const code = async (op: string) => (await w.rewards.referrals.ensure(op)).referralCode;
  await w.rewards.referrals.refer('carol', await code('alice'));
  await w.rewards.referrals.refer('dave', await code('carol'));
  await w.rewards.referrals.refer('erin', await code('bob'));
  for (const [n, c] of [
    ['n1', 'a1'],
    ['n2', 'b1'],
    ['n1b', 'a2'],
    ['n3', 'c1'],
    ['n1', 'a3'],
    ['n4', 'd1'],
    ['n5', 'e1'],
  ] as const)
    await fetched(w, n, c);
  return { ...w, tokens: { alice, bob, carol } };
}

test("an operator's recent fetches: its own nodes' only, newest first, a page at a time, no customer named", async () => {
  const w = await operators();
  const page1 = await json(await get(w.app, '/v1/rewards/node/fetches?limit=2', w.tokens.alice));
  assert.equal(page1.operator, 'alice');
  assert.deepEqual(
    page1.fetches.map((f: Json) => [f.captureId, f.nodeId]),
    [
      ['a3', 'n1'],
      ['a2', 'n1b'],
    ],
  );
  assert.equal(page1.fetches[0].url, 'https://site.test/a3');
  assert.equal(page1.fetches[0].points, 1_000_000);
  assert.ok(!JSON.stringify(page1).includes('j_secret_customer_job'), 'no job id, so no customer');
  const page2 = await json(
    await get(w.app, `/v1/rewards/node/fetches?limit=2&before=${page1.next}`, w.tokens.alice),
  );
  assert.deepEqual(
    page2.fetches.map((f: Json) => f.captureId),
    ['a1'],
  );
  assert.equal(page2.next, null);

  const bob = await json(await get(w.app, '/v1/rewards/node/fetches', w.tokens.bob));
  assert.deepEqual(
    bob.fetches.map((f: Json) => f.captureId),
    ['b1'],
    "bob's session sees bob's fetches alone",
  );
  // No parameter names another operator: the query is strict, the operator is the session's.
  const ask = await get(w.app, '/v1/rewards/node/fetches?operator=alice', w.tokens.bob);
  assert.equal(ask.status, 400);
  assert.equal((await get(w.app, '/v1/rewards/node/fetches?limit=0', w.tokens.bob)).status, 400);
  assert.equal((await get(w.app, '/v1/rewards/node/fetches', w.key)).status, 401, 'an API key is no session');
  assert.equal((await get(w.app, '/v1/rewards/node/fetches')).status, 401);
  await w.store.close();
});

test("an operator's referral tree: who it referred and who those referred, points from each, its own subtree only", async () => {
  const w = await operators();
  const tree = await json(await get(w.app, '/v1/rewards/node/referrals', w.tokens.alice));
  const shape = (ns: Json[]): Json[] =>
    ns.map((n) => ({ operator: n.operator, level: n.level, earned: n.earned, referred: shape(n.referred) }));
  // one point of work each: alice's level-1 share of carol's is 10 %, level-2 of dave's 5 %.
  assert.deepEqual(shape(tree.referred), [
    {
      operator: 'carol',
      level: 1,
      earned: 100_000,
      referred: [{ operator: 'dave', level: 2, earned: 50_000, referred: [] }],
    },
  ]);
  assert.equal(tree.levels, 2);
  assert.equal(tree.truncated, false);
  const carol = await json(await get(w.app, '/v1/rewards/node/referrals', w.tokens.carol));
  assert.deepEqual(shape(carol.referred), [{ operator: 'dave', level: 1, earned: 100_000, referred: [] }]);
  assert.ok(!JSON.stringify(carol).includes('alice'), 'carol does not see who is above her');
  const bob = await json(await get(w.app, '/v1/rewards/node/referrals', w.tokens.bob));
  assert.deepEqual(
    bob.referred.map((n: Json) => n.operator),
    ['erin'],
  );
  assert.ok(!JSON.stringify(bob).includes('carol'), "bob sees nothing of alice's subtree");
  assert.equal((await get(w.app, '/v1/rewards/node/referrals', w.key)).status, 401);
  await w.store.close();
});
