import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RewardsError } from './rewards-error.js';
import {
  availabilityPoints,
  MICRO,
  defaultRewardsPolicy as p,
  referralShares,
  reputationBps,
  rewardsPolicy,
  workPoints,
} from './rewards-policy.js';

test('work points: per page plus per MiB, times the reputation multiplier, rounded down', () => {
  assert.equal(workPoints(p, 0, 1), MICRO);
  assert.equal(workPoints(p, 3 * 1024 * 1024, 1), MICRO + (3 * MICRO) / 2);
  assert.equal(workPoints(p, 1024 * 1024, 0.8), ((MICRO + MICRO / 2) * 8) / 10);
  assert.equal(workPoints(p, 1024 * 1024, 0.49), 0, 'below the credibility floor nothing is paid');
  assert.equal(reputationBps(p, Number.NaN), 0);
  assert.equal(reputationBps(p, 1.7), 10_000, 'credibility never multiplies above 1');
});

test('referral shares are 10% and 5% of the work, paid on top', () => {
  assert.deepEqual(referralShares(p, 1_500_000), [150_000, 75_000]);
  assert.deepEqual(referralShares(rewardsPolicy({ referral: { levelsBps: [2000] } }), 10), [2]);
});

test('availability never exceeds its share of work, the per-node cap, or the flagged cap', () => {
  fc.assert(
    fc.property(
      fc.nat(100_000),
      fc.integer({ min: 1, max: 50 }),
      fc.nat(1e12),
      fc.boolean(),
      (uptimeSlots, nodes, work, flagged) => {
        const a = availabilityPoints(p, { uptimeSlots, nodes, workPoints: work, flagged });
        assert.ok(Number.isSafeInteger(a) && a >= 0);
        assert.ok(a <= (work * p.availability.maxShareOfWorkBps) / 10_000, 'idling cannot out-earn working');
        assert.ok(a <= nodes * p.availability.maxPerNodePerEpoch);
        if (flagged) assert.ok(a <= p.availability.flaggedMaxPerEpoch);
      },
    ),
  );
  // 24 h online (288 five-minute slots) is 2.4 points, if the work allows it.
  assert.equal(
    availabilityPoints(p, { uptimeSlots: 288, nodes: 1, workPoints: 100 * MICRO, flagged: false }),
    2.4 * MICRO,
  );
});

test('a policy is checked field by field; the bad field is named', () => {
  assert.throws(
    () => rewardsPolicy({ referral: { levelsBps: [1000, 500, 100] } }),
    (e) => e instanceof RewardsError && /referral\.levelsBps/.test(e.message),
  );
  assert.throws(() => rewardsPolicy({ work: { perPage: -1 } }), /work\.perPage/);
  assert.equal(rewardsPolicy({ epochMs: 3600_000 }).work.perPage, MICRO);
});
