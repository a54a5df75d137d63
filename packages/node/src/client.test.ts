import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateIdentity, type Identity } from '@sward/core/node-side';
import { CoordinatorClient, retryAfterMs } from './client.js';
import { NodeError } from './errors.js';
import { type FakeCoordinator, lease, startFakeCoordinator } from './fake-coordinator.js';

let fake: FakeCoordinator;
before(async () => {
  fake = await startFakeCoordinator();
});
after(() => fake.close());

const ada = generateIdentity();
const clientFor = (identity: Identity, url = fake.url) =>
  new CoordinatorClient({
    coordinatorUrl: url,
    identity,
    version: '0.1.0',
    fingerprint: 'f'.repeat(64),
    operatorIdentity: ada,
    operatorName: 'ada',
  });

test('the operator key registers, then the signed challenge opens an enrolled session', async () => {
  const id = generateIdentity();
  const c = clientFor(id);
  await c.authenticate();
  assert.ok(c.authenticated);
  const s = fake.sessions.at(-1);
  assert.equal(s?.nodeId, id.id);
  assert.equal(s?.version, '0.1.0');
  // The enrolment the fake verified is ada's key signing this node's id; the name went to registration.
  assert.equal(s?.operator, ada.id);
  assert.equal(fake.registrations.at(-1)?.name, 'ada');
  assert.equal(c.operator?.operator, ada.id);
  await c.close();
});

test('calls authenticate first, and a 401 re-authenticates once and retries', async () => {
  const c = clientFor(generateIdentity());
  fake.queue.push(lease('http://example.com/', 1));
  const first = await c.lease(2, 0); // no session yet: authenticates on its own
  assert.deepEqual(
    first.map((l) => l.leaseId),
    ['l_1'],
  );
  const sessionsBefore = fake.sessions.length;
  fake.expireSessions();
  await c.heartbeat({ inFlight: 0 });
  assert.equal(fake.sessions.length, sessionsBefore + 1);
  assert.deepEqual(fake.heartbeats.at(-1), { inFlight: 0 });
  assert.deepEqual(fake.leaseCalls.at(-1), { max: 2, waitMs: 0 });
  await c.close();
});

test('lease bounds are clamped to the protocol range', async () => {
  const c = clientFor(generateIdentity());
  fake.queue.push(lease('http://example.com/', 2));
  await c.lease(500, 99_999);
  assert.deepEqual(fake.leaseCalls.at(-1), { max: 64, waitMs: 25_000 });
  await c.close();
}); // work is queued so the fake answers at once instead of holding the call

test('a revoked node gets NODE_REVOKED', async () => {
  const id = generateIdentity();
  fake.revoked.add(id.id);
  await assert.rejects(
    clientFor(id).authenticate(),
    (e: unknown) => e instanceof NodeError && e.code === 'NODE_REVOKED',
  );
});

test('coordinator refusals carry status and remote code; an unreachable one is retryable', async () => {
  const c = clientFor(generateIdentity());
  await assert.rejects(
    c.submitFailure({ leaseId: 'l_nope', jobId: 'j', url: 'http://x/', code: 'DNS', message: 'x' }),
    (e: unknown) =>
      e instanceof NodeError &&
      e.code === 'COORDINATOR' &&
      e.status === 409 &&
      e.remoteCode === 'LEASE_NOT_HELD',
  );
  await c.close();
  const dead = clientFor(generateIdentity(), 'http://127.0.0.1:1');
  await assert.rejects(
    dead.authenticate(),
    (e: unknown) => e instanceof NodeError && e.code === 'COORDINATOR_UNREACHABLE',
  );
  await dead.close();
});

test("a 503's Retry-After is kept on the error (seconds or a date); a 429's is not (one route's quota)", async () => {
  const c = clientFor(generateIdentity());
  await c.authenticate();
  const heartbeat = () =>
    c.heartbeat({}).then(
      () => assert.fail('answered'),
      (e: NodeError) => e,
    );
  fake.proxyDown(503, { retryAfterS: 7 });
  const e503 = await heartbeat();
  assert.equal(e503.code, 'COORDINATOR_UNREACHABLE');
  assert.equal(e503.retryAfterMs, 7000);
  fake.proxyDown(429, { retryAfterS: 60, json: { error: { code: 'RATE_LIMITED', message: 'too often' } } });
  const e429 = await heartbeat();
  assert.equal(e429.status, 429);
  assert.equal(e429.retryAfterMs, undefined);
  fake.proxyDown(null);
  await c.close();
  const now = Date.parse('2026-12-06T12:00:00Z');
  assert.equal(retryAfterMs('Sun, 06 Dec 2026 12:00:30 GMT', now), 30_000);
  for (const bad of [undefined, '', '-5', '0', '1.5', 'soon', 'Sun, 06 Dec 2026 11:00:00 GMT'])
    assert.equal(retryAfterMs(bad, now), undefined, String(bad));
});
