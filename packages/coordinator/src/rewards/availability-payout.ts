import { operatorAccount, TREASURY } from './accounts.js';
import { inTransaction } from './in-transaction.js';
import type { RewardsContext } from './rewards-context.js';
import { availabilityPoints } from './rewards-policy.js';

/** Availability points of an ended epoch, per operator, capped (see rewards-policy.ts). Idempotent. */
export async function payAvailability(ctx: RewardsContext, epoch: number): Promise<number> {
  const { slotMs } = ctx.policy.availability;
  const from = Math.ceil((epoch * ctx.policy.epochMs) / slotMs);
  const to = Math.ceil(((epoch + 1) * ctx.policy.epochMs) / slotMs);
  const rows = await ctx.db.all<{ operator: string; nodes: unknown; slots: unknown }>(
    `SELECT COALESCE(n.operator, n.id) AS operator, COUNT(DISTINCT u.node_id) AS nodes, COUNT(*) AS slots
     FROM rw_uptime u JOIN nodes n ON n.id = u.node_id
     WHERE u.slot >= ? AND u.slot < ? GROUP BY COALESCE(n.operator, n.id) ORDER BY 1`,
    [from, to],
  );
  let total = 0;
  for (const r of rows) {
    const work = await ctx.db.get<{ s: unknown }>(
      'SELECT SUM(points) AS s FROM rw_captures WHERE operator = ? AND epoch = ? AND clawed_back_at IS NULL',
      [r.operator, epoch],
    );
    const amount = availabilityPoints(ctx.policy, {
      uptimeSlots: Number(r.slots),
      nodes: Number(r.nodes),
      workPoints: Number(work?.s ?? 0),
      flagged: (await ctx.standing(r.operator)) !== null,
    });
    if (amount <= 0) continue;
    await inTransaction(ctx.db, async (tx) => {
      await ctx.referrals.ensure(r.operator, tx);
      const id = await ctx.ledger.post(tx, {
        idemKey: `availability:${epoch}:${r.operator}`,
        kind: 'availability',
        epoch,
        policyVersion: ctx.policy.version,
        lines: [
          { account: operatorAccount(r.operator), amount, kind: 'availability' },
          { account: TREASURY, amount: -amount, kind: 'issue' },
        ],
        at: ctx.now(),
      });
      if (id !== null) total += amount;
    });
  }
  return total;
}
