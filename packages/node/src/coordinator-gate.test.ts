import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoordinatorGate, hearing, RETRY_AFTER_MAX_MS } from './coordinator-gate.js';
import { NodeError } from './errors.js';

const refused = () => new NodeError('COORDINATOR_UNREACHABLE', '/v1/nodes/lease: connect ECONNREFUSED');
const proxy = (status: number) =>
  new NodeError('COORDINATOR_UNREACHABLE', `/v1/nodes/heartbeat: ${status}: <html>`, { status });
const sward = (status: number, remoteCode: string, code: 'COORDINATOR' | 'COORDINATOR_UNREACHABLE') =>
  new NodeError(code, `/v1/nodes/heartbeat: ${status} ${remoteCode}: …`, { status, remoteCode });

test("a proxy's 502/503/504 and no response are silence; the coordinator's own answers are answers", () => {
  assert.equal(hearing(refused()), 'silent');
  for (const status of [502, 503, 504]) assert.equal(hearing(proxy(status)), 'silent', `${status}`);
  // The coordinator's own 503 is sent only while it shuts down: silence a moment early.
  assert.equal(hearing(sward(503, 'UNAVAILABLE', 'COORDINATOR_UNREACHABLE')), 'silent');
  // A coordinator that is there and says something, even an error of its own.
  assert.equal(hearing(sward(500, 'STORAGE', 'COORDINATOR_UNREACHABLE')), 'answered');
  assert.equal(hearing(sward(504, 'TIMEOUT', 'COORDINATOR_UNREACHABLE')), 'answered');
  assert.equal(hearing(proxy(500)), 'answered');
  assert.equal(hearing(sward(409, 'LEASE_NOT_HELD', 'COORDINATOR')), 'answered');
  assert.equal(hearing(sward(403, 'NODE_REVOKED', 'COORDINATOR')), 'answered');
  // Stopped by this node, or not a coordinator call's error at all: says nothing about the coordinator.
  assert.equal(hearing(new NodeError('STOPPED', 'cancelled')), 'unknown');
  assert.equal(hearing(new TypeError('x')), 'unknown');
});

/** A call the test answers when it likes, counting how many were made. */
function calls() {
  const made: { probe: boolean; answer: (ok: boolean, e?: unknown) => void }[] = [];
  const call = (probe: boolean) =>
    new Promise<string>((resolve, reject) => {
      made.push({ probe, answer: (ok, e = refused()) => (ok ? resolve('ok') : reject(e)) });
    });
  return { made, call };
}

const turn = () => new Promise((r) => setImmediate(r));

test('while the coordinator is silent one call probes it and the others wait for its outcome', async () => {
  const clock = 0;
  const gate = new CoordinatorGate({ now: () => clock, backoff: () => 0 });
  const { made, call } = calls();
  const first = gate.run(call);
  made[0]?.answer(false);
  await assert.rejects(first, /ECONNREFUSED/);
  assert.equal(gate.answering, false);

  // Five uploads at once: one call goes, as a probe; the other four make none.
  const five = [1, 2, 3, 4, 5].map(() => gate.run(call));
  await turn();
  assert.equal(made.length, 2);
  assert.equal(made[1]?.probe, true);
  assert.equal(gate.free, false, 'no second probe while one is on its way');

  // No answer: the four fail with its error, without a call of their own.
  made[1]?.answer(false);
  const outcomes = await Promise.allSettled(five);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected', 'rejected', 'rejected', 'rejected'],
  );
  assert.equal(made.length, 2);

  // Again, and this time the probe is answered: the four go then, together.
  const again = [1, 2, 3, 4, 5].map(() => gate.run(call));
  await turn();
  assert.equal(made.length, 3);
  made[2]?.answer(true);
  await turn();
  assert.equal(made.length, 7, 'the waiters call once the probe was answered');
  assert.deepEqual(
    made.slice(3).map((m) => m.probe),
    [false, false, false, false],
  );
  for (const m of made.slice(3)) m.answer(true);
  assert.deepEqual(await Promise.all(again), ['ok', 'ok', 'ok', 'ok', 'ok']);
  assert.equal(gate.answering, true);
});

test('the backoff grows by probes, not by the calls that were on their way when it went silent', async () => {
  const steps: number[] = [];
  let clock = 1000;
  const gate = new CoordinatorGate({ now: () => clock, backoff: (n) => steps.push(n) && 100 * 2 ** n });
  const { made, call } = calls();
  const inFlight = [gate.run(call), gate.run(call), gate.run(call)];
  for (const m of made) m.answer(false);
  await Promise.allSettled(inFlight);
  assert.deepEqual(steps, [0], 'three calls failed together: one step');
  assert.equal(gate.retryInMs, 100);
  assert.equal(gate.free, false);
  clock += 100;
  assert.equal(gate.free, true, 'the probe may go once the backoff has passed');
  const probe = gate.run(call);
  made[3]?.answer(false);
  await assert.rejects(probe);
  assert.deepEqual(steps, [0, 1]);
  assert.equal(gate.retryInMs, 200);
});

test('waiters wake when the backoff ends, and a stopped waiter leaves with COORDINATOR_UNREACHABLE', async () => {
  const gate = new CoordinatorGate({ backoff: () => 30 });
  const { made, call } = calls();
  const first = gate.run(call);
  made[0]?.answer(false);
  await assert.rejects(first);
  const stop = new AbortController();
  const stopped = gate.run(call, stop.signal);
  const waiting = gate.run(call);
  stop.abort();
  await assert.rejects(stopped, (e: NodeError) => e.code === 'COORDINATOR_UNREACHABLE');
  // The real timer ends the backoff: the other waiter probes.
  while (made.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.equal(made[1]?.probe, true);
  made[1]?.answer(true);
  assert.equal(await waiting, 'ok');
  gate.close();
});

test("a 503's Retry-After holds every call until then, capped, without growing the backoff", async () => {
  let clock = 0;
  const steps: number[] = [];
  const gate = new CoordinatorGate({ now: () => clock, backoff: (n) => steps.push(n) && 100 });
  const { made, call } = calls();
  const retryAfter = (ms: number) =>
    new NodeError('COORDINATOR_UNREACHABLE', '503', { status: 503, retryAfterMs: ms });
  const first = gate.run(call);
  made[0]?.answer(false, retryAfter(3000));
  await assert.rejects(first);
  assert.equal(gate.answering, false);
  assert.equal(gate.retryInMs, 3000);
  assert.deepEqual(steps, []);
  clock += 2999;
  assert.equal(gate.free, false);
  clock += 1;
  assert.equal(gate.free, true);
  const second = gate.run(call);
  made[1]?.answer(false, retryAfter(3_600_000));
  await assert.rejects(second);
  assert.equal(gate.retryInMs, RETRY_AFTER_MAX_MS, 'an hour is cut to the cap');
  gate.close();
});

test("a waiter whose probe time comes between the gate's check and its wait is still woken", async () => {
  // The clock reads 9 when run() checks (before the probe time, 10) and 10 when it starts waiting: no time
  // is left to wait, yet the waiter must probe (a node whose lease loop waits so, alone, would never call).
  const reads: number[] = [];
  const gate = new CoordinatorGate({ now: () => reads.shift() ?? 10, backoff: () => 10 });
  const { made, call } = calls();
  reads.push(0);
  const first = gate.run(call);
  made[0]?.answer(false);
  await assert.rejects(first, /ECONNREFUSED/);
  reads.push(9);
  const second = gate.run(call);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(made.length, 2, 'the waiter probes');
  made[1]?.answer(true);
  assert.equal(await second, 'ok');
});

test("the gate's waits do not follow the wall clock: stepped back an hour, the next probe still goes", async (t) => {
  const wall = Date.now;
  let step = 0;
  t.mock.method(Date, 'now', () => wall() - step);
  const gate = new CoordinatorGate({ backoff: () => 20 });
  const { made, call } = calls();
  const first = gate.run(call);
  made[0]?.answer(false);
  await assert.rejects(first, /ECONNREFUSED/);
  step = 3_600_000;
  const second = gate.run(call);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(made.length, 2, 'probed after its 20 ms, not after an hour');
  made[1]?.answer(true);
  assert.equal(await second, 'ok');
});
