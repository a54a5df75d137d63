import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import type { NodeConfigInput } from './config.js';
import { startNode } from './daemon.js';
import { NodeError } from './errors.js';
import { type FakeCoordinator, lease, startFakeCoordinator } from './fake-coordinator.js';
import { readFetchLog } from './fetch-log.js';
import { sleep } from './sleep.js';
import { PAGE, startTestSite, type TestSite } from './test-site.js';

const logger = pino({ level: 'silent' });
let fake: FakeCoordinator;
let site: TestSite;
before(async () => {
  fake = await startFakeCoordinator();
  site = await startTestSite();
});
after(async () => {
  await fake.close();
  await site.close();
});

function nodeConfig(
  extra: Partial<NodeConfigInput> = {},
): NodeConfigInput & { logFile: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sward-node-daemon-'));
  return {
    coordinatorUrl: fake.url,
    keyFile: join(dir, 'key.pem'),
    logFile: join(dir, 'fetch-log.jsonl'),
    stateFile: join(dir, 'state.json'),
    allowPrivate: true,
    maxConcurrent: 2,
    ...extra,
  };
}

/** Waits for a condition on the node's own state (no timing assertion: it only bounds the wait). */
async function eventually(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
  assert.ok(cond(), 'condition never became true');
}

/** A site that answers after `ms` and counts the requests it answers at once; closed after the file's tests. */
async function slowSite(ms: number): Promise<{ origin: string; most: () => number }> {
  let running = 0;
  let most = 0;
  const slow = createServer((_req, res) => {
    most = Math.max(most, ++running);
    setTimeout(() => {
      running--;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    }, ms);
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  after(() => slow.close());
  return { origin: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, most: () => most };
}

test('a node authenticates, leases, fetches and reports signed captures the coordinator verifies', async () => {
  const cfg = nodeConfig();
  const node = await startNode(cfg, { logger });
  assert.equal(node.createdKey, true);
  assert.equal(statSync(cfg.keyFile).mode & 0o777, 0o600);
  const start = fake.captures.length;
  fake.queue.push(
    lease(`${site.origin}/ok`, 101),
    lease(`${site.origin}/r1`, 102),
    lease(`${site.origin}/missing`, 103),
  );
  await fake.until(() => fake.captures.length >= start + 3);
  const mine = fake.captures.slice(start).map((c) => c.signed.capture);
  assert.ok(mine.every((c) => c.nodeId === node.id));
  const byLease = new Map(mine.map((c) => [c.leaseId, c]));
  assert.equal(byLease.get('l_101')?.status, 200);
  assert.equal(byLease.get('l_102')?.redirects.length, 2);
  assert.equal(byLease.get('l_103')?.status, 404); // 4xx are captured too: the coordinator decides
  assert.equal(fake.captures.find((c) => c.signed.capture.leaseId === 'l_101')?.body.toString(), PAGE);
  assert.ok(
    fake.leaseCalls.every((c) => c.max <= 4),
    'never asks for more than maxConcurrent ahead of its slots',
  );
  await node.stop();
  assert.equal(node.stats().state, 'stopped');
  assert.equal(node.stats().captured, 3);

  const entries = await readFetchLog(cfg.logFile);
  assert.deepEqual(entries.map((e) => e.leaseId).sort(), ['l_101', 'l_102', 'l_103']);
  assert.ok(entries.every((e) => e.outcome === 'captured' && e.report === 'accepted'));

  const again = await startNode(cfg, { logger }); // the key file is reused
  assert.equal(again.id, node.id);
  assert.equal(again.createdKey, false);
  await again.stop();
});

test('a lying node (transformBody) signs what it altered, so only a re-fetch can catch it', async () => {
  const start = fake.captures.length;
  const node = await startNode({ ...nodeConfig(), transformBody: () => Buffer.from('altered') }, { logger });
  fake.queue.push(lease(`${site.origin}/ok`, 150));
  await fake.until(() => fake.captures.length > start);
  await node.stop();
  assert.equal(fake.captures.at(-1)?.body.toString(), 'altered'); // signature and hash still verify at the fake
});

test('operator refusals and the SSRF guard are reported as failures without touching the site', async () => {
  const before = site.requests.length;
  const start = fake.failures.length;
  const denied = await startNode(nodeConfig({ denyDomains: ['127.0.0.1'] }), { logger });
  fake.queue.push(lease(`${site.origin}/ok`, 201));
  await fake.until(() => fake.failures.length >= start + 1);
  await denied.stop();
  const guarded = await startNode(nodeConfig({ allowPrivate: false }), { logger });
  fake.queue.push(lease(`${site.origin}/ok`, 202));
  await fake.until(() => fake.failures.length >= start + 2);
  await guarded.stop();
  const codes = fake.failures.slice(start).map((f) => [f.leaseId, f.code]);
  assert.deepEqual(codes, [
    ['l_201', 'DOMAIN_DENIED'],
    ['l_202', 'BLOCKED_ADDRESS'],
  ]);
  assert.equal(site.requests.length, before);
  assert.equal(denied.stats().refused, 1);
  assert.equal(guarded.stats().failed, 1);
});

test('a node leases ahead of its free slots, in batches, and never runs more than maxConcurrent', async () => {
  const { origin, most } = await slowSite(20);
  const calls = fake.leaseCalls.length;
  const start = fake.captures.length;
  const N = 24;
  for (let i = 0; i < N; i++) fake.queue.push(lease(`${origin}/p${i}`, 500 + i));
  const node = await startNode(nodeConfig({ maxConcurrent: 2 }), { logger });
  await fake.until(() => fake.captures.length >= start + N);
  await node.stop();
  const asked = fake.leaseCalls.slice(calls);
  // Without leasing ahead: one request per page (each slot that frees asks for 1), N or more.
  assert.ok(asked.length <= N / 2, `${asked.length} lease requests for ${N} pages`);
  assert.ok(asked.every((c) => c.max <= 4));
  assert.equal(asked[0]?.max, 4, 'the first request asks for the slots and as many ahead');
  assert.ok(most() <= 2, `${most()} fetches at once`);
});

/** A node with 2 slots crawls `n` pages of `origin`: the lease requests and batch asks it made meanwhile. */
async function crawlPages(origin: string, n: number, firstLease: number, maxConcurrent = 2) {
  const calls = fake.leaseCalls.length;
  const asks = fake.batchLeaseAsks.length;
  const given = fake.batchLeasesGiven.length;
  const start = fake.captures.length;
  for (let i = 0; i < n; i++) fake.queue.push(lease(`${origin}/q${firstLease + i}`, firstLease + i));
  const batchCalls = fake.calls.filter((c) => c.endsWith('/capture-batch')).length;
  const node = await startNode(nodeConfig({ maxConcurrent }), { logger });
  await fake.until(() => fake.captures.length >= start + n);
  await node.stop();
  return {
    node,
    leaseCalls: fake.leaseCalls.length - calls,
    batches: fake.calls.filter((c) => c.endsWith('/capture-batch')).length - batchCalls,
    batchAsks: fake.batchLeaseAsks.slice(asks),
    fromBatches: fake.batchLeasesGiven.slice(given).reduce((a, b) => a + b, 0),
  };
}

test('a busy node takes its next leases from its capture batches, not from lease requests of its own', async () => {
  const { origin } = await slowSite(20);
  const N = 40;
  const { node, leaseCalls, batchAsks, fromBatches } = await crawlPages(origin, N, 800);
  assert.ok(batchAsks.length > 0, 'capture batches asked for leases');
  assert.ok(
    batchAsks.every((m) => m >= 1 && m <= 4),
    `asks within the free slots and as many ahead: ${batchAsks}`,
  );
  // Before: every lease came from a lease request (N / 4 or more of them at 2 slots and 2 ahead). How many
  // requests a node still makes depends on timing (a busy machine answers batches later than the lease
  // loop wakes: 9 at load 40, 2-3 when quiet), so the bounds leave room for that and still fail without
  // leases in batch answers.
  assert.ok(fromBatches >= N / 4, `only ${fromBatches} of ${N} leases came in capture batch answers`);
  assert.ok(leaseCalls < N / 4, `${leaseCalls} lease requests for ${N} pages`);
  assert.equal(node.stats().leased, N, 'every lease ran once');
});

test('a node whose fetches end at once asks for its next leases with its batches, not in lease requests between them', async () => {
  // A slot frees when its capture is handed to the uploader, before the batch leaves: the lease loop used
  // to ask on its own then, and the batch asked for nothing (about one lease request a batch: 42 for 200
  // pages here, 204 for 1,023 in a bench; docs/BENCHMARKS.md, session 18, lease).
  const { origin } = await slowSite(0);
  const N = 200;
  const { node, leaseCalls, batches, fromBatches } = await crawlPages(origin, N, 3000, 4);
  // A busy machine answers a batch later than the loop's bound on waiting for it, so some room is left.
  assert.ok(leaseCalls <= N / 20, `${leaseCalls} lease requests and ${batches} batches for ${N} pages`);
  assert.ok(fromBatches >= N - 8 * leaseCalls, `only ${fromBatches} of ${N} leases came in batch answers`);
  assert.equal(node.stats().leased, N, 'every lease ran once');
});

test('a coordinator that answers no leases with captures gets lease requests, as before', async () => {
  const { origin } = await slowSite(5);
  fake.leasesInBatches = false;
  try {
    const { leaseCalls, batchAsks } = await crawlPages(origin, 12, 900);
    assert.ok(leaseCalls >= 3, 'the node asked on its own');
    assert.ok(batchAsks.length <= 1, 'and stopped asking in batches after the first answer');
  } finally {
    fake.leasesInBatches = true;
  }
});

test('a finished capture frees its fetch slot while its upload waits, up to 2 x maxConcurrent unanswered', async () => {
  const start = fake.captures.length;
  const release = fake.holdCaptureAnswers();
  const node = await startNode(nodeConfig({ maxConcurrent: 1 }), { logger });
  for (let i = 0; i < 4; i++) fake.queue.push(lease(`${site.origin}/ok`, 700 + i));
  try {
    // One slot, the coordinator answering no capture: the next fetches still run (the first capture's
    // upload holds its lease, not the slot); the third capture's slot stays held (two already unanswered).
    await eventually(() => node.stats().captured >= 3);
    assert.equal(fake.captures.length, start, 'no capture answered yet');
    assert.equal(node.stats().captured, 3, 'two unanswered captures plus one holding the slot');
  } finally {
    release();
  }
  await fake.until(() => fake.captures.length >= start + 4);
  await node.stop();
  assert.deepEqual(
    fake.captures
      .slice(start)
      .map((c) => c.signed.capture.leaseId)
      .sort(),
    ['l_700', 'l_701', 'l_702', 'l_703'],
  );
});

test('a node working for long leaves no listener behind: 300 pages, no MaxListenersExceededWarning', async () => {
  // Each wait of the lease loop used to leave its abort listener (and a 60 s timer) on the stop signal
  // until the timer ran out, so a busy node collected them with its rate of work (65 in a bench crawl).
  // 16 in flight: more fetches listening for the hard stop at once than Node's default limit of 10.
  const warnings: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    const start = fake.captures.length;
    const N = 300;
    const node = await startNode(nodeConfig({ maxConcurrent: 16 }), { logger });
    for (let i = 0; i < N; i++) fake.queue.push(lease(`${site.origin}/ok`, 2000 + i));
    await fake.until(() => fake.captures.length >= start + N);
    await node.stop();
    // process warnings are emitted on a later tick
    await sleep(50);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, [], 'no signal collected more listeners than its limit');
});

test('outside active hours the node does not lease at all', async () => {
  const calls = fake.leaseCalls.length;
  const node = await startNode(nodeConfig({ activeHours: ['22:00-07:00'] }), {
    logger,
    now: () => new Date(2026, 0, 15, 12, 0),
    pausePollMs: 20,
  });
  await eventually(() => node.stats().state === 'paused');
  assert.match(node.stats().pausedBecause ?? '', /active hours/);
  await node.stop();
  assert.equal(fake.leaseCalls.length, calls);
});

test('an expired session is renewed and work goes on', async () => {
  const node = await startNode(nodeConfig(), { logger });
  await fake.until(() => fake.sessions.some((s) => s.nodeId === node.id));
  const sessions = fake.sessions.filter((s) => s.nodeId === node.id).length;
  fake.expireSessions();
  const start = fake.captures.length;
  fake.queue.push(lease(`${site.origin}/ok`, 301));
  await fake.until(() => fake.captures.length > start);
  assert.ok(fake.sessions.filter((s) => s.nodeId === node.id).length > sessions);
  await node.stop();
});

test('a coordinator that is briefly down is retried with backoff', async () => {
  fake.failNext(1);
  const node = await startNode(nodeConfig(), { logger });
  const start = fake.captures.length;
  fake.queue.push(lease(`${site.origin}/ok`, 350));
  await fake.until(() => fake.captures.length > start);
  assert.match(node.stats().lastError ?? '', /503 UNAVAILABLE/);
  await node.stop();
});

test('a revoked node stops on its own and says why', async () => {
  const cfg = nodeConfig();
  const first = await startNode(cfg, { logger });
  await first.stop();
  fake.revoked.add(first.id);
  const node = await startNode(cfg, { logger });
  await assert.rejects(node.done, (e: unknown) => e instanceof NodeError && e.code === 'NODE_REVOKED');
  assert.equal(node.stats().state, 'failed');
});

test('stop() lets an in-flight fetch finish and report', async () => {
  let release: () => void = () => {};
  let arrived: () => void = () => {};
  const gateArrived = new Promise<void>((r) => (arrived = r));
  const gated = createServer((_req, res) => {
    arrived();
    release = () => res.end('late but complete');
  });
  await new Promise<void>((r) => gated.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(gated.address() as AddressInfo).port}/slow`;
  const node = await startNode(nodeConfig(), { logger });
  const start = fake.captures.length;
  fake.queue.push(lease(url, 401));
  await gateArrived;
  const stopped = node.stop();
  assert.equal(node.stats().inFlight, 1);
  release();
  await stopped;
  assert.equal(fake.captures.length, start + 1);
  assert.equal(fake.captures.at(-1)?.body.toString(), 'late but complete');
  gated.close();
});
