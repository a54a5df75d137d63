import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRewardsPolicy } from './rewards-policy.js';
import { detectSybils, type Presence, type SessionStart } from './sybil-detect.js';

const HOUR = 3600_000;
const rules = { ...defaultRewardsPolicy.sybil, minSharedMs: 12 * HOUR };
const WEEK = 168;

/** `op` online every slot of the week at the address `ipAt(slot)` gives. */
const online = (op: string, ipAt: (slot: number) => string, slots = WEEK): Presence[] =>
  Array.from({ length: slots }, (_, slot) => ({ nodeId: `${op}-n`, operator: op, slot, ip: ipAt(slot) }));

const starts = (op: string, ip: string, times: number[]): SessionStart[] =>
  times.map((at) => ({ nodeId: `${op}-n`, operator: op, at, ip }));

const none = new Map<string, string | null>();

test('a household (two operators, one address, restarting together) is linked but not flagged', () => {
  const presence = [...online('mum', () => '198.51.100.7'), ...online('dad', () => '198.51.100.7')];
  const sessions = [0, 1, 2, 3].flatMap((d) => [
    ...starts('mum', '198.51.100.7', [d * 24 * HOUR]),
    ...starts('dad', '198.51.100.7', [d * 24 * HOUR + 2000]),
  ]);
  assert.deepEqual(detectSybils({ slotMs: HOUR, presence, sessions, referredBy: none }, rules), []);
  // …even when one referred the other: a tree needs three linked members.
  const referredBy = new Map([['dad', 'mum']]);
  assert.deepEqual(detectSybils({ slotMs: HOUR, presence, sessions, referredBy }, rules), []);
});

test('strangers behind a carrier-grade NAT, reshuffled over its pool every day, are not linked', () => {
  // 24 operators, a pool of 8 addresses in one /24; each gets a new address each day, starts at its own time.
  const ops = Array.from({ length: 24 }, (_, i) => `cgnat${i}`);
  const addr = (i: number, day: number) => `100.64.9.${(i * 7 + day * (i + 3)) % 8}`;
  const presence = ops.flatMap((op, i) => online(op, (slot) => addr(i, Math.floor(slot / 24))));
  const sessions = ops.flatMap((op, i) =>
    Array.from({ length: 7 }, (_, day) => starts(op, addr(i, day), [day * 24 * HOUR + i * 97_000])).flat(),
  );
  assert.deepEqual(detectSybils({ slotMs: HOUR, presence, sessions, referredBy: none }, rules), []);
});

test('five operators behind one address all week are flagged, and the flag says why', () => {
  const ops = ['f1', 'f2', 'f3', 'f4', 'f5'];
  const presence = ops.flatMap((op) => online(op, () => '203.0.113.5'));
  const groups = detectSybils({ slotMs: HOUR, presence, sessions: [], referredBy: none }, rules);
  assert.equal(groups.length, 1);
  const g = groups[0];
  assert.equal(g?.kind, 'cluster');
  assert.deepEqual(g?.members.map((m) => m.operator).sort(), ops);
  assert.match(String(g?.evidence.reason), /^5 operators linked .* \(flag at 4\)$/);
  assert.equal(g?.evidence.maxSharedSlots, WEEK);
  assert.deepEqual(g?.evidence.addresses, ['203.0.113.5']);
  // Four is the stated threshold: three operators behind one address are not a flag.
  const three = ops.slice(0, 3).flatMap((op) => online(op, () => '203.0.113.5'));
  assert.deepEqual(
    detectSybils({ slotMs: HOUR, presence: three, sessions: [], referredBy: none }, rules),
    [],
  );
  // Re-scanning the same evidence gives the same key (the flag is not raised twice).
  assert.equal(
    detectSybils({ slotMs: HOUR, presence, sessions: [], referredBy: none }, rules)[0]?.key,
    g?.key,
  );
});

test('a fleet with an address each in one /24 is caught by lockstep restarts, from the third one', () => {
  const ops = Array.from({ length: 6 }, (_, i) => `dc${i}`);
  const presence = ops.flatMap((op, i) => online(op, () => `192.0.2.${10 + i}`));
  const restarts = (n: number) =>
    ops.flatMap((op, i) =>
      starts(
        op,
        `192.0.2.${10 + i}`,
        Array.from({ length: n }, (_, k) => k * 12 * HOUR + i * 700),
      ),
    );
  assert.deepEqual(
    detectSybils({ slotMs: HOUR, presence, sessions: restarts(2), referredBy: none }, rules),
    [],
  );
  const groups = detectSybils({ slotMs: HOUR, presence, sessions: restarts(3), referredBy: none }, rules);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]?.evidence.linksByLockstep, 15);
  assert.equal(groups[0]?.evidence.linksByAddress, 0);
});

test('operating systems and versions are not evidence: a thousand identical platforms raise nothing', () => {
  // The detector takes no fingerprint at all; operators on their own addresses are never linked.
  const presence = Array.from({ length: 1000 }, (_, i) =>
    online(`op${i}`, () => `10.${i >> 8}.${i & 255}.1`, 24),
  ).flat();
  assert.deepEqual(detectSybils({ slotMs: HOUR, presence, sessions: [], referredBy: none }, rules), []);
});

test('three linked operators in one referral tree are flagged with the referrers above them', () => {
  const ops = ['s1', 's2', 's3'];
  const presence = ops.flatMap((op) => online(op, () => '203.0.113.77'));
  const referredBy = new Map<string, string | null>([
    ['s1', 'boss'],
    ['s2', 's1'],
    ['s3', 's1'],
  ]);
  const groups = detectSybils({ slotMs: HOUR, presence, sessions: [], referredBy }, rules);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]?.kind, 'referral_tree');
  assert.deepEqual(groups[0]?.evidence.linked, ops);
  assert.deepEqual(groups[0]?.evidence.referrers, ['boss', 's1']);
  assert.ok(groups[0]?.members.some((m) => m.operator === 'boss' && m.nodeId === ''));
  // The same three with no referral link between them: under the cluster threshold, nothing.
  assert.deepEqual(detectSybils({ slotMs: HOUR, presence, sessions: [], referredBy: none }, rules), []);
});
