import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import type { NodeConfigInput } from './config.js';
import { startNode } from './daemon.js';
import { type FakeCoordinator, lease, startFakeCoordinator } from './fake-coordinator.js';
import { readFetchLog } from './fetch-log.js';
import { sleep } from './sleep.js';
import { PAGE, startTestSite, type TestSite } from './test-site.js';

// A node keeps finished captures on disk until the coordinator takes them or their lease is gone, and a
// stopping node hands back what it did not finish (issue #14 point 4).

let fake: FakeCoordinator;
let site: TestSite;
// A page that answers when the test says so: the coordinator goes down while the node is fetching it.
let gate: Server;
let gated = '';
let opened: () => void = () => {};
const arrivals: (() => void)[] = [];
before(async () => {
  fake = await startFakeCoordinator();
  site = await startTestSite();
  gate = createServer((_req, res) => {
    for (const a of arrivals.splice(0)) a();
    const answer = () => res.end(PAGE);
    const previous = opened;
    opened = () => {
      previous();
      answer();
    };
  });
  await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
  gated = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/page`;
});
after(async () => {
  await fake.close();
  await site.close();
  gate.closeAllConnections();
  gate.close();
});

/** Leases the gated page to the node, takes the coordinator down while it is fetched, then answers. */
async function fetchWhileCoordinatorDown(n: number): Promise<void> {
  const arrived = new Promise<void>((r) => arrivals.push(r));
  fake.queue.push(lease(gated, n));
  await arrived;
  fake.failNext(1_000_000);
  const open = opened;
  opened = () => {};
  open();
}

function nodeConfig(dir = mkdtempSync(join(tmpdir(), 'sward-node-spool-'))) {
  return {
    coordinatorUrl: fake.url,
    keyFile: join(dir, 'key.pem'),
    logFile: join(dir, 'fetch-log.jsonl'),
    stateFile: join(dir, 'state.json'),
    allowPrivate: true,
    maxConcurrent: 2,
    leaseWaitMs: 2000,
  } satisfies NodeConfigInput;
}

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const runtime = { spoolRetryMs: 100 };
const capturesOf = (leaseId: string) =>
  fake.captures.filter((c) => c.signed.capture.leaseId === leaseId).length;

/** The node has opened its session and handed back its previous run's leases: it is leasing now. */
async function resumed(handBacksBefore: number) {
  await fake.until(() => fake.handBacks.length > handBacksBefore);
}

test('a coordinator away longer than the upload retries loses no capture: the spool sends it when it is back', async () => {
  const { logger } = recordingLogger();
  const cfg = nodeConfig();
  const hb = fake.handBacks.length;
  const node = await startNode(cfg, { logger, ...runtime });
  await resumed(hb);
  await fetchWhileCoordinatorDown(501);
  // The four upload attempts fail; the fetch log says so.
  for (let i = 0; i < 200; i++) {
    const log = await readFetchLog(cfg.logFile).catch(() => []);
    if (log.some((e) => e.leaseId === 'l_501')) break;
    await sleep(50);
  }
  const entry = (await readFetchLog(cfg.logFile)).find((e) => e.leaseId === 'l_501');
  assert.equal(entry?.report, 'unsent');
  assert.equal(capturesOf('l_501'), 0);
  assert.equal(readdirSync(cfg.keyFile.replace(/key\.pem$/, 'spool')).length, 1, 'kept on disk');
  fake.failNext(0);
  await fake.until(() => capturesOf('l_501') === 1);
  assert.equal(fake.captures.find((c) => c.signed.capture.leaseId === 'l_501')?.body.toString(), PAGE);
  assert.equal(fake.failures.length, 0);
  await node.stop();
  assert.equal(capturesOf('l_501'), 1, 'uploaded once');
  assert.deepEqual(readdirSync(join(cfg.keyFile, '..', 'spool')), [], 'the spool is empty once accepted');
});

test('a restarted node uploads its spool before it hands back its old leases and leases again', async () => {
  const { logger } = recordingLogger();
  const cfg = nodeConfig();
  const hb = fake.handBacks.length;
  const first = await startNode(cfg, { logger, ...runtime });
  await resumed(hb);
  await fetchWhileCoordinatorDown(601);
  for (let i = 0; i < 200 && readdirSync(join(cfg.keyFile, '..', 'spool')).length === 0; i++) await sleep(25);
  await first.stop(); // its logout fails too: the coordinator is down
  assert.equal(capturesOf('l_601'), 0);
  assert.equal(readdirSync(join(cfg.keyFile, '..', 'spool')).length, 1);

  fake.failNext(0);
  const callsBefore = fake.calls.length;
  const hb2 = fake.handBacks.length;
  const second = await startNode(cfg, { logger, ...runtime });
  await resumed(hb2);
  const calls = fake.calls.slice(callsBefore);
  const firstCapture = calls.indexOf('/v1/nodes/captures');
  assert.ok(firstCapture >= 0, calls.join(', '));
  assert.ok(
    calls.indexOf('/v1/nodes/hand-back') > firstCapture &&
      !calls.slice(0, firstCapture).includes('/v1/nodes/lease'),
    `spool first, then hand-back, then leases: ${calls.join(', ')}`,
  );
  assert.equal(capturesOf('l_601'), 1);
  await second.stop();
});

test('a spooled capture whose lease is gone is dropped with a log line saying why, and never sent again', async () => {
  const { logger, lines } = recordingLogger();
  const cfg = nodeConfig();
  const hb = fake.handBacks.length;
  const first = await startNode(cfg, { logger, ...runtime });
  await resumed(hb);
  await fetchWhileCoordinatorDown(701);
  for (let i = 0; i < 200 && readdirSync(join(cfg.keyFile, '..', 'spool')).length === 0; i++) await sleep(25);
  await first.stop();
  // Meanwhile the lease expired on the coordinator and went to another node.
  fake.dropLease('l_701');
  fake.failNext(0);
  const rejectedBefore = fake.rejected.filter((r) => r === 'LEASE_NOT_HELD').length;
  const hb2 = fake.handBacks.length;
  const second = await startNode(cfg, { logger, ...runtime });
  await resumed(hb2);
  await sleep(500); // several spool rounds
  await second.stop();
  assert.equal(capturesOf('l_701'), 0);
  assert.equal(
    fake.rejected.filter((r) => r === 'LEASE_NOT_HELD').length - rejectedBefore,
    1,
    'sent once, refused once, then dropped',
  );
  const why = lines.find((l) => l.leaseId === 'l_701' && /lease is gone/.test(String(l.msg)));
  assert.ok(why, 'the log says the capture was dropped because its lease is gone');
  assert.match(String(why?.err), /409 LEASE_NOT_HELD/);
  assert.deepEqual(readdirSync(join(cfg.keyFile, '..', 'spool')), []);
});

test('stop() cuts a fetch that does not finish and hands its lease back', { timeout: 20_000 }, async () => {
  const { logger } = recordingLogger();
  const hb = fake.handBacks.length;
  const node = await startNode(
    { ...nodeConfig(), timeoutMs: 600_000 },
    { logger, ...runtime, stopGraceMs: 1000 },
  );
  await resumed(hb);
  fake.queue.push(lease(`${site.origin}/slow`, 801), lease(`${site.origin}/ok`, 802));
  await fake.until(() => capturesOf('l_802') === 1);
  assert.equal(fake.held.get('l_801'), node.id);
  // /slow never answers and the fetch timeout is 10 minutes: stop() returns only because it cuts the fetch.
  await node.stop();
  const logout = fake.handBacks.at(-1);
  assert.equal(logout?.logout, true);
  assert.deepEqual(logout?.handedBack, ['l_801']);
  assert.equal(fake.held.has('l_801'), false);
  assert.ok(
    !fake.failures.some((f) => f.leaseId === 'l_801'),
    'a cut fetch is handed back, not reported failed',
  );
});
