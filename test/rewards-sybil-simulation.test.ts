import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RewardsPolicy, rewardsPolicy } from '@sward/coordinator';
import { rewardsWorld } from '../packages/coordinator/src/rewards/testing-world.js';

/**
 * Point 4's simulation, in process on SQLite: 100 honest operators (one node each, own address, 10
 * verified pages a day, online half the day, a few honest referrals) and a farm of 50 sock-puppet
 * operators with one node each behind 3 addresses, one fingerprint, all in one referral tree, online
 * all the time but doing 1 verified page a day. One 7-day epoch is closed and the payout table read.
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function simulate(policy: RewardsPolicy) {
  const epoch = Math.floor(Date.UTC(2026, 0, 5) / policy.epochMs) + 1;
  const w = await rewardsWorld(':memory:', policy, epoch * policy.epochMs);
  const honest = Array.from({ length: 100 }, (_, i) => `honest-${i}`);
  const farm = Array.from({ length: 50 }, (_, i) => `farm-${i}`);
  for (const [i, op] of honest.entries())
    await w.node(`${op}-node`, op, { ip: `192.0.${i}.10`, fingerprint: `fp-${i}` });
  for (const [i, op] of farm.entries())
    await w.node(`${op}-node`, op, { ip: `203.0.113.${1 + (i % 3)}`, fingerprint: 'fp-farm' });
  const code = async (op: string) => (await w.rewards.referrals.get(op))?.referralCode as string;
  for (let i = 10; i < 100; i++)
    await w.rewards.referrals.refer(`honest-${i}`, await code(`honest-${i % 10}`));
  for (let i = 1; i < 50; i++)
    await w.rewards.referrals.refer(`farm-${i}`, await code(`farm-${(i - 1) >> 1}`));
  await w.rewards.scanSybils();

  let seq = 0;
  const work = { honest: 0, farm: 0 };
  for (let day = 0; day < 7; day++) {
    const t0 = epoch * policy.epochMs + day * DAY;
    for (let h = 0; h < 24; h++) {
      for (const op of farm) await w.rewards.onHeartbeat(`${op}-node`, t0 + h * HOUR);
      if (h < 12) for (const op of honest) await w.rewards.onHeartbeat(`${op}-node`, t0 + h * HOUR);
    }
    w.clock.now = t0 + 13 * HOUR;
    for (const [who, ops, pages] of [
      ['honest', honest, 10],
      ['farm', farm, 1],
    ] as const)
      for (const op of ops)
        for (let p = 0; p < pages; p++) {
          const r = await w.rewards.onCaptureAccepted({
            captureId: `c${seq++}`,
            nodeId: `${op}-node`,
            bytes: 200_000,
          });
          work[who] += r.workPoints;
        }
  }
  w.clock.now = (epoch + 1) * policy.epochMs;
  const { table } = await w.rewards.closeEpoch(epoch);
  const isFarm = (account: string) => /^(op|ref):farm-/.test(account);
  const farmPaid = table.claims.filter((c) => isFarm(c.account)).reduce((s, c) => s + c.amount, 0);
  const flags = await w.rewards.flags.list();
  await w.store.close();
  return {
    farmShare: farmPaid / table.total,
    farmPaid,
    farmWork: work.farm,
    farmWorkShare: work.farm / (work.farm + work.honest),
    flags: flags.map((f) => f.kind).sort(),
  };
}

test('a farm of 50 nodes behind 3 addresses earns its share of verified work, not more', async () => {
  const base = { epochMs: 7 * DAY, availability: { slotMs: HOUR } };
  // No sybil rules and uncapped availability: what a naive points scheme would pay the farm.
  const naive = await simulate(
    rewardsPolicy({
      ...base,
      sybil: { enabled: false },
      availability: { slotMs: HOUR, maxShareOfWorkBps: 10_000, maxPerNodePerEpoch: 1e9 },
    }),
  );
  const capsOnly = await simulate(rewardsPolicy({ ...base, sybil: { enabled: false } }));
  const sward = await simulate(rewardsPolicy(base));
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(
    `# farm verified work ${pct(sward.farmWorkShare)}; farm share of points: naive ${pct(naive.farmShare)}, ` +
      `work-capped availability ${pct(capsOnly.farmShare)}, with sybil rules ${pct(sward.farmShare)}\n`,
  );
  assert.ok(
    naive.farmShare > 1.5 * naive.farmWorkShare,
    `naive scheme overpays the farm: ${pct(naive.farmShare)}`,
  );
  assert.ok(capsOnly.farmShare > sward.farmShare);
  // With the rules the farm is paid for its verified work and nothing else: its share falls to (just
  // under, since honest operators also earn availability and referrals) its share of the work.
  assert.ok(sward.farmShare <= sward.farmWorkShare, `${pct(sward.farmShare)} > ${pct(sward.farmWorkShare)}`);
  assert.equal(sward.farmPaid, sward.farmWork, 'the farm is paid exactly its verified work points');
  assert.ok(sward.flags.includes('network') && sward.flags.includes('fingerprint'));
  assert.ok(sward.flags.includes('referral_tree'));
  assert.deepEqual(naive.flags, []);
});
