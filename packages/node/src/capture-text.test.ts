import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type Capture,
  canonicalJson,
  generateIdentity,
  type Identity,
  type SignedCapture,
} from '@sward/core/node-side';
import { CaptureSpool } from './capture-spool.js';
import { captureJsonOf, signFrozenCapture } from './capture-text.js';
import { CoordinatorClient } from './client.js';
import { captureFor, type FakeCoordinator, lease, startFakeCoordinator } from './fake-coordinator.js';

let fake: FakeCoordinator;
before(async () => {
  fake = await startFakeCoordinator();
});
after(() => fake.close());

const node = generateIdentity();

/** A capture with a redirect hop (nested objects all through), not signed yet. */
const captureOf = (
  who: Identity,
  l: { leaseId: string; jobId: string; url: string },
  body: Buffer,
): Capture => ({
  ...captureFor(who, l, body),
  redirects: [{ url: `${l.url}?from`, status: 301, location: l.url }],
});

/** What a forger does: a changed copy of a signed capture under the old signature. */
const forge = (s: SignedCapture): SignedCapture => ({ ...s, capture: { ...s.capture, status: 203 } });

test('a capture the node signed cannot be changed in place: its remembered text stays the signed one', () => {
  const body = Buffer.from('<p>a</p>');
  const signed = signFrozenCapture(
    node,
    captureOf(node, { leaseId: 'l_a', jobId: 'j_1', url: 'http://x/' }, body),
  );
  assert.equal(captureJsonOf(signed.capture), canonicalJson(signed.capture));
  const c = signed.capture as { -readonly [K in keyof Capture]: Capture[K] };
  assert.throws(() => {
    c.status = 203;
  }, TypeError);
  assert.throws(() => {
    (c.headers as Record<string, string>)['content-type'] = 'text/plain';
  }, TypeError);
  assert.throws(
    () => (c.redirects as unknown[]).push({ url: 'http://y/', status: 302, location: 'http://x/' }),
    TypeError,
  );
  assert.throws(() => {
    (c.redirects[0] as { status: number }).status = 308;
  }, TypeError);
  assert.equal(signed.capture.status, 200);
  assert.equal(captureJsonOf(signed.capture), canonicalJson(signed.capture));
});

test('a forged copy of a signed capture goes out as forged: the coordinator and the spool refuse it alone', async () => {
  const c = new CoordinatorClient({
    coordinatorUrl: fake.url,
    identity: node,
    version: '0.1.0',
    fingerprint: 'f'.repeat(64),
  });
  fake.queue.push(lease('http://site.example/a', 1), lease('http://site.example/b', 2));
  const [la, lb] = await c.lease(2, 0);
  assert.ok(la && lb);
  const body = Buffer.from('<p>page</p>');
  const good = signFrozenCapture(node, captureOf(node, la, body));
  const forged = forge(signFrozenCapture(node, captureOf(node, lb, body)));
  assert.equal(JSON.parse(captureJsonOf(forged.capture)).status, 203, 'the forged copy is written as it is');

  const answer = await c.submitCaptureBatch([
    { signed: good, body },
    { signed: forged, body },
  ]);
  assert.equal(answer.results[0]?.accepted, true);
  assert.equal(answer.results[1]?.accepted, false);
  assert.equal(answer.results[1]?.accepted === false && answer.results[1].error.code, 'BAD_SIGNATURE');

  // The spool: the forged record is written as forged, and reading it back refuses it and keeps the other.
  const dir = mkdtempSync(join(tmpdir(), 'sward-capture-text-'));
  const spool = new CaptureSpool(dir, 1 << 20);
  await spool.open(() => assert.fail('nothing bad yet'));
  assert.equal(await spool.put({ leaseId: la.leaseId, signed: good, body }), true);
  assert.equal(await spool.put({ leaseId: lb.leaseId, signed: forged, body }), true);
  spool.close();
  const bad: string[] = [];
  const again = new CaptureSpool(dir, 1 << 20);
  await again.open((_file, why) => bad.push(why));
  assert.deepEqual(again.leaseIds(), [la.leaseId]);
  assert.equal(bad.length, 1);
  assert.match(bad[0] ?? '', /signature/);
  await c.close();
});
