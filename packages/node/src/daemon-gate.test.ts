import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import { pino } from 'pino';
import type { NodeConfigInput } from './config.js';
import { startNode } from './daemon.js';
import { type FakeCoordinator, lease, startFakeCoordinator } from './fake-coordinator.js';
import { readFetchLog } from './fetch-log.js';
import { sleep } from './sleep.js';
import { PAGE } from './test-site.js';

// A node whose coordinator does not answer (down, or a reverse proxy in front of it answering 502-504) makes
// one call at a time to it, paced by one backoff: no heartbeat, spool timer or in-flight upload calls
// beside it (coordinator-gate.ts). Counts are of requests made in a window: a slower machine makes fewer.

let fake: FakeCoordinator;
// Pages that answer when the test says so: the coordinator goes down while the node fetches them.
let site: Server;
let siteUrl = '';
const waiting: (() => void)[] = [];
let arrived = 0;
before(async () => {
  fake = await startFakeCoordinator();
  site = createServer((_req, res) => {
    arrived++;
    waiting.push(() => res.end(PAGE));
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
after(async () => {
  await fake.close();
  site.closeAllConnections();
  site.close();
});

function nodeConfig(extra: Partial<NodeConfigInput> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sward-node-gate-'));
  return {
    coordinatorUrl: fake.url,
    keyFile: join(dir, 'key.pem'),
    logFile: join(dir, 'fetch-log.jsonl'),
    stateFile: join(dir, 'state.json'),
    allowPrivate: true,
    maxConcurrent: 4,
    leaseWaitMs: 200,
    heartbeatMs: 50,
    ...extra,
  } satisfies NodeConfigInput;
}
const quiet = { logger: pino({ level: 'silent' }), spoolRetryMs: 50 };

/** Starts a node and waits until it leases (its session open, its previous run's leases handed back). */
async function leasingNode(t: TestContext, extra: Partial<NodeConfigInput> = {}, spoolRetryMs = 50) {
  const cfg = nodeConfig(extra);
  const handBacks = fake.handBacks.length;
  const node = await startNode(cfg, { ...quiet, spoolRetryMs });
  // stopped (again: stop() is idempotent) and the proxy gone even when an assertion failed
  t.after(async () => {
    fake.proxyDown(null);
    await node.stop();
  });
  await fake.until(() => fake.handBacks.length > handBacks);
  return { cfg, node };
}

/**
 * The proxy's answers from `from` on that came in over `ms` from 300 ms after the first of them was sent:
 * how many, by path, and the most that were on their way at once. Left out: calls already on their way
 * then, and those a lease call's answer let go (one held by the coordinator before it went down, up to
 * leaseWaitMs 200: that answer rightly counts as the coordinator's).
 */
async function callsWhileDown(from: number, ms: number) {
  await fake.until(() => fake.proxied.length > from);
  return callsFrom((fake.proxied[from]?.end ?? 0) + 300, ms);
}

/** The proxy's answers to the requests that came in over `ms` from `start`, once that time is over. */
async function callsFrom(start: number, ms: number) {
  await sleep(start + ms - Date.now());
  const seen = fake.proxied.filter((p) => p.at >= start && p.at < start + ms);
  let overlap = 0;
  for (const p of seen) overlap = Math.max(overlap, seen.filter((q) => q.at <= p.at && q.end > p.at).length);
  const count = (re: RegExp) => seen.filter((p) => re.test(p.path)).length;
  return {
    all: seen.length,
    heartbeats: count(/heartbeat/),
    uploads: count(/captures|capture-batch/),
    overlap,
  };
}

for (const status of [502, 503, 504]) {
  test(`a proxy answering ${status} for a coordinator that is down holds the heartbeat; it resumes once answered`, {
    timeout: 30_000,
  }, async (t) => {
    const { node } = await leasingNode(t);
    const from = fake.proxied.length;
    fake.proxyDown(status);
    // 1.5 s: 30 heartbeats at 50 ms if the proxy's page counted as the coordinator's answer.
    const down = await callsWhileDown(from, 1500);
    fake.proxyDown(null);
    assert.equal(down.heartbeats, 0, JSON.stringify(down));
    // The backoff's probes only: 0.25-0.5 s, then 0.5-1 s, then 1-2 s.
    assert.ok(down.all <= 4, JSON.stringify(down));
    const heartbeats = fake.heartbeats.length;
    await fake.until(() => fake.heartbeats.length > heartbeats + 2);
    await node.stop();
  });
}

for (const [status, code] of [
  [500, 'STORAGE'],
  [504, 'TIMEOUT'],
] as const)
  test(`the coordinator's own ${status} ${code} is an answer: heartbeats go on (they keep its leases)`, {
    timeout: 30_000,
  }, async (t) => {
    const { node } = await leasingNode(t);
    const from = fake.proxied.length;
    fake.proxyDown(status, { json: { error: { code, message: 'from the coordinator' } } });
    const answered = await callsWhileDown(from, 500);
    fake.proxyDown(null);
    assert.ok(answered.heartbeats >= 3, JSON.stringify(answered));
    await node.stop();
  });

test('a 503 with Retry-After holds every call until then, then one probe; no call before', {
  timeout: 30_000,
}, async (t) => {
  const { node } = await leasingNode(t);
  const from = fake.proxied.length;
  fake.proxyDown(503, { retryAfterS: 3 });
  // Without Retry-After honoured, the backoff's probes would come at 0.25-0.5 s and 0.5-1 s more.
  const held = await callsWhileDown(from, 2000);
  fake.proxyDown(null);
  assert.equal(held.all, 0, JSON.stringify(held));
  const calls = fake.calls.length;
  await fake.until(() => fake.calls.length > calls);
  await node.stop();
});

/** Leases `n` pages; resolves once the node is fetching all of them (the site holds its answers). */
async function fetching(first: number, n: number): Promise<string[]> {
  const ids: string[] = [];
  const before = arrived;
  for (let i = 0; i < n; i++) {
    fake.queue.push(lease(`${siteUrl}/p${first + i}`, first + i));
    ids.push(`l_${first + i}`);
  }
  while (arrived < before + n) await sleep(10);
  return ids;
}
/** Until the fetch log has `n` captures whose uploads gave up (they stay spooled). */
async function unsent(logFile: string, n: number) {
  const count = async () =>
    (await readFetchLog(logFile).catch(() => [])).filter((e) => e.report === 'unsent').length;
  while ((await count()) < n) await sleep(50);
}
const capturesOf = (leaseId: string) =>
  fake.captures.filter((c) => c.signed.capture.leaseId === leaseId).length;

test('spooled captures wait while the coordinator is silent: the spool timer does not call beside the probes', {
  timeout: 30_000,
}, async (t) => {
  const { cfg, node } = await leasingNode(t, { heartbeatMs: 600_000 });
  const ids = await fetching(100, 2);
  fake.proxyDown(502);
  for (const answer of waiting.splice(0)) answer();
  // The uploads' attempts end; the captures stay spooled, where the spool timer (every 50 ms) finds them.
  await unsent(cfg.logFile, ids.length);
  const spoolDir = join(cfg.keyFile, '..', 'spool');
  assert.ok(readdirSync(spoolDir).length > 0, 'the captures are spooled');
  const down = await callsFrom(Date.now(), 2000);
  // 40 spool rounds in 2 s if each called; the backoff's probes (any caller's) are 2.5-5 s apart by now.
  assert.ok(down.uploads <= 2, JSON.stringify(down));
  assert.ok(down.all <= 2, JSON.stringify(down));
  fake.proxyDown(null);
  await fake.until(() => ids.every((id) => capturesOf(id) === 1));
  await node.stop();
  assert.deepEqual(
    ids.map((id) => capturesOf(id)),
    [1, 1],
    'each stored once',
  );
  assert.deepEqual(readdirSync(spoolDir), []);
});

test('uploads in flight share one backoff: one call at a time while the coordinator is silent, every capture stored once after', {
  timeout: 30_000,
}, async (t) => {
  const { cfg, node } = await leasingNode(t, { heartbeatMs: 600_000 });
  const ids = await fetching(200, 4);
  const from = fake.proxied.length;
  // A proxy that takes 100 ms to give up on its upstream: calls made side by side would overlap.
  fake.proxyDown(502, { holdMs: 100 });
  for (const answer of waiting.splice(0)) answer();
  const down = await callsWhileDown(from, 2500);
  assert.equal(down.overlap, 1, JSON.stringify(down));
  // Four captures each retrying on their own made 3 more upload calls each in this window.
  assert.ok(down.uploads <= 5, JSON.stringify(down));
  fake.proxyDown(null);
  await fake.until(() => ids.every((id) => capturesOf(id) >= 1));
  await node.stop();
  assert.deepEqual(
    ids.map((id) => capturesOf(id)),
    [1, 1, 1, 1],
    'each stored once',
  );
  assert.deepEqual(readdirSync(join(cfg.keyFile, '..', 'spool')), []);
});

/**
 * A node (spool timer: every 10 minutes) whose `n` captures finished while the coordinator was down and whose
 * uploads gave up: they are spooled, and the proxy still answers 502.
 */
async function spooledWhileDown(t: TestContext, first: number, n: number) {
  const { cfg, node } = await leasingNode(t, { heartbeatMs: 600_000 }, 600_000);
  const ids = await fetching(first, n);
  fake.proxyDown(502);
  for (const answer of waiting.splice(0)) answer();
  await unsent(cfg.logFile, ids.length);
  return { cfg, node, ids };
}

test("spooled captures go once the coordinator answers again, not at the spool timer's next round", {
  timeout: 30_000,
}, async (t) => {
  // The spool timer's round is 10 minutes: only the coordinator's first answer can send them in this test.
  const { cfg, node, ids } = await spooledWhileDown(t, 300, 2);
  fake.proxyDown(null);
  await fake.until(() => ids.every((id) => capturesOf(id) === 1));
  await node.stop();
  assert.deepEqual(readdirSync(join(cfg.keyFile, '..', 'spool')), []);
});

test("a node stopped while its first upload of a previous run's spool waits on a Retry-After stops at once", {
  timeout: 60_000,
}, async (t) => {
  // A first run leaves a capture in the spool: its upload never got through.
  const { cfg, node } = await spooledWhileDown(t, 400, 1);
  await node.stop();
  // The next run opens its session; its upload of the spool is answered "come back in 60 s".
  const from = fake.proxied.length;
  fake.proxyDown(503, { retryAfterS: 60, paths: /captures|capture-batch/ });
  const again = await startNode(cfg, { ...quiet, spoolRetryMs: 600_000 });
  t.after(() => again.stop());
  await fake.until(() => fake.proxied.length > from);
  // The lease loop has the answer (its last error), then waits in the gate for its next try.
  while (!again.stats().lastError) await sleep(20);
  await sleep(200);
  // The lease loop waits for the Retry-After's end; stop() must not wait with it (4 s: grace, hand-back).
  const stopped = await Promise.race([again.stop().then(() => true), sleep(20_000).then(() => false)]);
  fake.proxyDown(null);
  assert.ok(stopped, 'stop() waited for the Retry-After (60 s)');
  assert.equal(
    readdirSync(join(cfg.keyFile, '..', 'spool')).length > 0,
    true,
    'the capture is still spooled',
  );
});
