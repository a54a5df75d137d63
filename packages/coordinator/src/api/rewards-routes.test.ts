import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Hono } from 'hono';
import { CoordinatorError } from '../errors.js';
import { openStore } from '../open-store.js';
import { verifyClaim } from '../rewards/payout-claim.js';
import { RewardsService } from '../rewards/rewards-service.js';
import { authorize } from './authorize.js';
import { rewardsRoutes } from './rewards-routes.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-rewards-routes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function setup() {
  const store = await openStore(join(dir, `${Math.random()}.db`));
  const rewards = new RewardsService(store.db);
  // The same error mapping api/app.ts does, so the test sees what clients see.
  const app = new Hono();
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
