import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  isBounded,
  labellerAccount,
  operatorAccount,
  RewardsError,
  referralShares,
  referrerAccount,
  rewardsPolicy,
  TREASURY,
  workPoints,
} from '@sward/coordinator';
import fc from 'fast-check';
import { inTransaction } from '../packages/coordinator/src/rewards/in-transaction.js';
import { rewardsWorld } from '../packages/coordinator/src/rewards/testing-world.js';
import { backends } from './support/backends.js';

const policy = rewardsPolicy({ epochMs: 3600_000 });
const RUNS = Number(process.env.SWARD_PROPERTY_RUNS ?? 12);

/** Invariants every ledger state must meet, whatever happened before. */
async function checkInvariants(
  w: Awaited<ReturnType<typeof rewardsWorld>>,
  debtsOnlyByClawback = true,
): Promise<void> {
  const audit = await w.rewards.ledger.audit();
  assert.deepEqual(audit.unbalanced, [], 'every transaction sums to zero');
  assert.deepEqual(audit.drifted, [], 'running balances equal the sums of entries');
  const twice = await w.store.db.all(
    "SELECT idem_key FROM rw_transactions WHERE kind IN ('work', 'clawback') GROUP BY ref, kind, idem_key HAVING COUNT(*) > 1",
  );
  assert.deepEqual(twice, []);
  const dupRefs = await w.store.db.all(
    "SELECT ref FROM rw_transactions WHERE kind = 'work' GROUP BY ref HAVING COUNT(*) > 1",
  );
  assert.deepEqual(dupRefs, [], 'a capture is paid at most once');
  if (!debtsOnlyByClawback) return;
  // Only a clawback may leave an account below zero (a debt); payouts and held accounts never.
  const negative = await w.store.db.all<{ account: string }>(
    `SELECT b.account FROM rw_balances b WHERE b.balance < 0 AND (b.account LIKE 'held:%' OR NOT EXISTS
       (SELECT 1 FROM rw_entries e WHERE e.account = b.account AND e.kind = 'clawback'))`,
  );
  assert.deepEqual(negative, []);
}

for (const backend of backends()) {
  describe(`rewards ledger properties: ${backend.name}`, () => {
    after(() => backend.cleanup());

    test('random postings: accepted ones balance, a floor is never crossed, replays post once', async () => {
      const w = await rewardsWorld(await backend.create(), policy);
      let run = 0;
      const accounts = ['a', 'b', 'c'].map(operatorAccount);
      const posting = fc.record({
        key: fc.integer({ min: 0, max: 15 }),
        from: fc.constantFrom(TREASURY, ...accounts),
        to: fc.constantFrom(TREASURY, ...accounts),
        amount: fc.integer({ min: 1, max: 1000 }),
        debt: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(posting, { maxLength: 25 }), async (ps) => {
          const ns = `p${run++}`;
          const acct = (a: string) => (a === TREASURY ? a : `${a}-${ns}`);
          const model = new Map<string, number>();
          const posted = new Set<number>();
          for (const p of ps) {
            if (p.from === p.to) continue;
            const from = acct(p.from);
            const to = acct(p.to);
            const after = (model.get(from) ?? 0) - p.amount;
            const wouldBreak = isBounded(from) && after < 0 && !p.debt;
            const replay = posted.has(p.key);
            const r = await inTransaction(w.store.db, (tx) =>
              w.rewards.ledger.post(tx, {
                idemKey: `${ns}:${p.key}`,
                kind: 'adjustment',
                epoch: 0,
                policyVersion: 1,
                allowDebt: p.debt,
                lines: [
                  { account: from, amount: -p.amount, kind: 'adjustment' },
                  { account: to, amount: p.amount, kind: 'adjustment' },
                ],
              }),
            ).catch((e: unknown) => e);
            if (replay) assert.equal(r, null, 'a replayed key posts nothing');
            else if (wouldBreak)
              assert.ok(r instanceof RewardsError && r.code === 'NEGATIVE_BALANCE', String(r));
            else {
              assert.equal(typeof r, 'number');
              posted.add(p.key);
              model.set(from, after);
              model.set(to, (model.get(to) ?? 0) + p.amount);
            }
          }
          for (const a of accounts.map(acct))
            assert.equal(await w.rewards.ledger.balance(a), model.get(a) ?? 0, a);
        }),
        { numRuns: RUNS * 2 },
      );
      await checkInvariants(w, false);
      await w.store.close();
    });

    test('random earnings, replays, clawbacks, spot checks, payouts and concurrent writers', async () => {
      const w = await rewardsWorld(await backend.create(), policy);
      let run = 0;
      const capture = fc.record({
        node: fc.integer({ min: 0, max: 3 }),
        bytes: fc.integer({ min: 0, max: 3 * 1024 * 1024 }),
        outcome: fc.constantFrom('stored', 'stored', 'stored', 'skipped', 'policy'),
      });
      const command = fc.oneof(
        fc.record({ t: fc.constant('earn' as const), cap: fc.nat(11) }),
        fc.record({
          t: fc.constant('together' as const),
          caps: fc.array(fc.nat(11), { minLength: 2, maxLength: 8 }),
        }),
        fc.record({ t: fc.constant('claw' as const), cap: fc.nat(11) }),
        fc.record({ t: fc.constant('spot' as const), cap: fc.nat(11), agreed: fc.boolean() }),
        fc.record({
          t: fc.constant('label' as const),
          key: fc.nat(3),
          amount: fc.integer({ min: 1, max: 5000 }),
        }),
        fc.record({ t: fc.constant('close' as const) }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(capture, { minLength: 12, maxLength: 12 }),
          fc.array(command, { maxLength: 20 }),
          async (caps, cmds) => {
            const ns = `r${run++}`;
            w.clock.now = Date.UTC(2026, 0, 1) + run * 1000 * policy.epochMs;
            const op = (n: number) => `${ns}-op${n}`;
            for (let n = 0; n < 4; n++) await w.node(`${ns}-n${n}`, op(n));
            // op1 was brought in by op0, op2 by op1: op0 earns level 2 from op2.
            for (const n of [1, 2])
              await w.rewards.referrals.refer(
                op(n),
                (await w.rewards.referrals.get(op(n - 1)))?.referralCode as string,
              );
            const expected = new Map<string, number>();
            const add = (a: string, v: number) => expected.set(a, (expected.get(a) ?? 0) + v);
            const checks = [0, 0, 0, 0].map(() => ({ n: 0, ok: 0 }));
            const seen = new Set<number>();
            const paid = new Map<number, { node: number; work: number }>();
            const clawed = new Set<number>();
            const labels = new Set<number>();
            const cred = (n: number) => ((checks[n]?.ok ?? 0) + 4) / ((checks[n]?.n ?? 0) + 4);
            const effect = (i: number, sign: 1 | -1) => {
              const p = paid.get(i);
              if (!p) return;
              add(operatorAccount(op(p.node)), sign * p.work);
              const [l1 = 0, l2 = 0] = referralShares(policy, p.work);
              if (p.node === 1 || p.node === 2) add(referrerAccount(op(p.node - 1)), sign * l1);
              if (p.node === 2) add(referrerAccount(op(0)), sign * l2);
            };
            const earnModel = (i: number) => {
              if (seen.has(i)) return;
              seen.add(i);
              const c = caps[i] as (typeof caps)[0];
              const work = c.outcome === 'stored' ? workPoints(policy, c.bytes, cred(c.node)) : 0;
              if (work > 0) paid.set(i, { node: c.node, work });
              effect(i, 1);
            };
            const earn = (i: number) => {
              const c = caps[i] as (typeof caps)[0];
              return w.rewards.onCaptureAccepted({
                captureId: `${ns}-c${i}`,
                nodeId: `${ns}-n${c.node}`,
                bytes: c.bytes,
                outcome: c.outcome,
              });
            };
            for (const cmd of cmds) {
              if (cmd.t === 'earn') {
                earnModel(cmd.cap);
                await earn(cmd.cap);
              } else if (cmd.t === 'together') {
                // Concurrent writers, the same captures several times over: each pays once.
                for (const i of cmd.caps) earnModel(i);
                await Promise.all(cmd.caps.map(earn));
              } else if (cmd.t === 'claw' || (cmd.t === 'spot' && !cmd.agreed)) {
                if (paid.has(cmd.cap) && !clawed.has(cmd.cap)) {
                  clawed.add(cmd.cap);
                  effect(cmd.cap, -1);
                }
                if (cmd.t === 'claw') await w.rewards.clawbackCapture(`${ns}-c${cmd.cap}`, 'found false');
              }
              if (cmd.t === 'spot') {
                const node = (caps[cmd.cap] as (typeof caps)[0]).node;
                const ch = checks[node] as { n: number; ok: number };
                ch.n++;
                if (cmd.agreed) ch.ok++;
                await w.rewards.recordSpotCheck({
                  nodeId: `${ns}-n${node}`,
                  captureId: `${ns}-c${cmd.cap}`,
                  agreed: cmd.agreed,
                });
              } else if (cmd.t === 'label') {
                if (!labels.has(cmd.key)) add(labellerAccount(`${ns}-l`), cmd.amount);
                labels.add(cmd.key);
                await w.rewards.creditLabeller({
                  idemKey: `${ns}-${cmd.key}`,
                  labeller: `${ns}-l`,
                  amount: cmd.amount,
                });
              } else if (cmd.t === 'close') {
                w.clock.now += policy.epochMs;
                await w.rewards.closeEpoch();
              }
            }
            for (const [account, want] of expected) {
              const out = await w.store.db.get<{ s: unknown }>(
                'SELECT SUM(amount) AS s FROM rw_payouts WHERE account = ?',
                [account],
              );
              const have = (await w.rewards.ledger.balance(account)) + Number(out?.s ?? 0);
              assert.equal(have, want, `${account}: balance + paid out = earned`);
            }
          },
        ),
        { numRuns: RUNS },
      );
      await checkInvariants(w);
      await w.store.close();
    });
  });
}
