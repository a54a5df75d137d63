import { randomBytes } from 'node:crypto';
import { heldParties, referrerAccount, TREASURY } from './accounts.js';
import { forUpdate, inTransaction } from './in-transaction.js';
import type { EntryKind } from './ledger.js';
import type { RewardsContext } from './rewards-context.js';

/** Held referral rewards whose parties are no longer under review: released, or forfeited to the treasury. */
export async function settleHolds(ctx: RewardsContext): Promise<{ released: number; forfeited: number }> {
  const out = { released: 0, forfeited: 0 };
  const held = await ctx.db.all<{ account: string }>(
    "SELECT account FROM rw_balances WHERE account LIKE 'held:%' AND balance > 0 ORDER BY account",
  );
  for (const { account } of held) {
    const parties = heldParties(account);
    if (!parties) continue;
    const a = await ctx.standing(parties.referrer);
    const b = await ctx.standing(parties.referee);
    if (a === 'open' || b === 'open') continue;
    const forfeit = a === 'confirmed' || b === 'confirmed';
    await inTransaction(ctx.db, async (tx) => {
      const r = await tx.get<{ balance: unknown }>(
        `SELECT balance FROM rw_balances WHERE account = ?${forUpdate(ctx.db)}`,
        [account],
      );
      const amount = Number(r?.balance ?? 0);
      if (amount <= 0) return;
      const kind: EntryKind = forfeit ? 'hold_forfeit' : 'hold_release';
      await ctx.ledger.post(tx, {
        idemKey: `${kind}:${account}:${randomBytes(8).toString('hex')}`,
        kind,
        epoch: ctx.epochOf(),
        policyVersion: ctx.policy.version,
        lines: [
          { account, amount: -amount, kind },
          { account: forfeit ? TREASURY : referrerAccount(parties.referrer), amount, kind },
        ],
      });
      out[forfeit ? 'forfeited' : 'released'] += amount;
    });
  }
  return out;
}
