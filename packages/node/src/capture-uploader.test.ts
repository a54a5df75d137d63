import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateIdentity } from '@sward/core/node-side';
import { CaptureUploader } from './capture-uploader.js';
import { CoordinatorClient } from './client.js';
import { type FakeCoordinator, lease, signedCapture, startFakeCoordinator } from './fake-coordinator.js';

let fake: FakeCoordinator;
before(async () => {
  fake = await startFakeCoordinator();
});
after(() => fake.close());

const node = generateIdentity();
let next = 1000;

/** A session holding `n` fresh leases on the fake, and a signed capture for each. */
async function leased(n: number) {
  const client = new CoordinatorClient({
    coordinatorUrl: fake.url,
    identity: node,
    version: '0.1.0',
    fingerprint: 'f'.repeat(64),
    operatorIdentity: generateIdentity(),
    operatorName: 'ada',
  });
  for (let i = 0; i < n; i++) fake.queue.push(lease(`http://example.com/${next}`, next++));
  const leases = await client.lease(n, 0);
  assert.equal(leases.length, n);
  const captures = leases.map((l) => signedCapture(node, l, Buffer.from(`<p>${l.leaseId}</p>`)));
  // the real client, its batch calls counted
  const batches: number[] = [];
  const counted = {
    submitCapture: client.submitCapture.bind(client),
    submitCaptureBatch: (items: Parameters<CoordinatorClient['submitCaptureBatch']>[0]) => {
      batches.push(items.length);
      return client.submitCaptureBatch(items);
    },
  };
  return { client, captures, batches, counted };
}

/** A clock and one-shot timers the test moves by hand: no waiting on real time. */
function handClock() {
  let t = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => t,
    timer: (fn: () => void, ms: number) => {
      const entry = { at: t + ms, fn, live: true };
      timers.push(entry);
      return () => {
        entry.live = false;
      };
    },
    armed: () => timers.filter((x) => x.live).map((x) => x.at),
    advance(ms: number) {
      t += ms;
      for (const x of timers)
        if (x.live && x.at <= t) {
          x.live = false;
          x.fn();
        }
    },
  };
}

const turn = () => new Promise((r) => setImmediate(r));

test('a finished capture waits for half the fetches in flight, then they go in one request', async () => {
  const { client, captures, batches, counted } = await leased(4);
  const clock = handClock();
  let fetching = 4;
  const up = new CaptureUploader(counted, { fetching: () => fetching, now: clock.now, timer: clock.timer });
  const [a, b] = captures as [(typeof captures)[0], (typeof captures)[0]];
  fetching--;
  const pa = up.submit(a.signed, a.body);
  await turn();
  assert.deepEqual(batches, [], 'one of four done: it waits');
  assert.deepEqual(clock.armed(), [20], 'for at most 20 ms');
  clock.advance(5);
  fetching--;
  const pb = up.submit(b.signed, b.body);
  await Promise.all([pa, pb]);
  assert.deepEqual(batches, [2], 'two of four done: both in one request');
  assert.deepEqual(clock.armed(), [], 'the timer is cancelled');
  assert.equal(fake.captures.length >= 2, true);
  await client.close();
});

test('a capture never waits longer than holdMs, whatever is still in flight', async () => {
  const { client, captures, batches, counted } = await leased(1);
  const clock = handClock();
  const up = new CaptureUploader(counted, { fetching: () => 15, now: clock.now, timer: clock.timer });
  const c = captures[0] as (typeof captures)[0];
  const p = up.submit(c.signed, c.body);
  await turn();
  clock.advance(19);
  await turn();
  assert.deepEqual(batches, []);
  clock.advance(1);
  assert.match(await p, /^c_/);
  assert.deepEqual(batches, [1]);
  await client.close();
});

test('flush sends what waits at once, and every later capture without waiting', async () => {
  const { client, captures, batches, counted } = await leased(2);
  const clock = handClock();
  const up = new CaptureUploader(counted, { fetching: () => 15, now: clock.now, timer: clock.timer });
  const [a, b] = captures as [(typeof captures)[0], (typeof captures)[0]];
  const pa = up.submit(a.signed, a.body);
  await turn();
  assert.deepEqual(batches, []);
  up.flush();
  await pa;
  assert.deepEqual(batches, [1]);
  await up.submit(b.signed, b.body);
  assert.deepEqual(batches, [1, 1], 'stopping: no capture is held back');
  await client.close();
});

test('an idle node sends a capture at once (nothing else in flight to wait for)', async () => {
  const { client, captures, batches, counted } = await leased(1);
  const clock = handClock();
  const up = new CaptureUploader(counted, { fetching: () => 0, now: clock.now, timer: clock.timer });
  const c = captures[0] as (typeof captures)[0];
  await up.submit(c.signed, c.body);
  assert.deepEqual(batches, [1]);
  assert.deepEqual(clock.armed(), []);
  await client.close();
});
