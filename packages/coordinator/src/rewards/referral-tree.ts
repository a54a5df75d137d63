import type { ReferralNode, ReferralTree } from '@sward/core';
import type { SqlDriver } from '../store/sql-driver.js';
import { heldParties, referrerAccount } from './accounts.js';

/** Operators shown per level at most: a tree to look at, not an export. */
export const REFERRAL_LEVEL_CAP = 500;

/**
 * Who `operator` brought in and who those brought in, as deep as referral rewards reach (`levels`), each
 * with the referral points `operator` earned from that operator's captures: credited to its referrer
 * account (net of clawbacks) plus what review released from the held account between the two, and what is
 * still held. Only `operator`'s own subtree: the walk starts at it and follows `referred_by` downwards.
 */
export async function referralTree(
  db: SqlDriver,
  operator: string,
  levels: number,
  cap = REFERRAL_LEVEL_CAP,
): Promise<ReferralTree> {
  const me = await db.get<{ referral_code: string }>(
    'SELECT referral_code FROM rw_operators WHERE operator = ?',
    [operator],
  );
  const { earned, held } = await pointsByReferee(db, operator);
  const roots: ReferralNode[] = [];
  let truncated = false;
  let above = new Map<string, ReferralNode[]>([[operator, roots]]);
  for (let level = 1; level <= levels && above.size > 0; level++) {
    const parents = [...above.keys()];
    const rows = await db.all<{
      operator: string;
      name: string | null;
      referred_by: string;
      created_at: unknown;
    }>(
      `SELECT operator, name, referred_by, created_at FROM rw_operators
       WHERE referred_by IN (${parents.map(() => '?').join(', ')}) ORDER BY created_at, operator LIMIT ?`,
      [...parents, cap + 1],
    );
    if (rows.length > cap) truncated = true;
    const next = new Map<string, ReferralNode[]>();
    for (const r of rows.slice(0, cap)) {
      const node: ReferralNode = {
        operator: r.operator,
        name: r.name ?? null,
        level,
        joinedAt: Number(r.created_at),
        earned: earned.get(r.operator) ?? 0,
        held: held.get(r.operator) ?? 0,
        referred: [],
      };
      above.get(r.referred_by)?.push(node);
      // A cycle cannot be recorded (referrals.ts refuses it); the guard keeps a damaged table finite.
      if (r.operator !== operator) next.set(r.operator, node.referred);
    }
    above = next;
  }
  return { operator, referralCode: me?.referral_code ?? null, levels, referred: roots, truncated };
}

async function pointsByReferee(
  db: SqlDriver,
  operator: string,
): Promise<{ earned: Map<string, number>; held: Map<string, number> }> {
  const earned = new Map<string, number>();
  const held = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  // Referral shares and their clawbacks name the capture they came from (rw_transactions.ref).
  for (const r of await db.all<{ referee: string; s: unknown }>(
    `SELECT c.operator AS referee, SUM(e.amount) AS s
     FROM rw_entries e JOIN rw_transactions t ON t.id = e.tx_id JOIN rw_captures c ON c.capture_id = t.ref
     WHERE e.account = ? GROUP BY c.operator`,
    [referrerAccount(operator)],
  ))
    add(earned, r.referee, Number(r.s));
  // The held account names both parties; a release moved its amount to the referrer account above.
  for (const r of await db.all<{ account: string; kind: string; s: unknown }>(
    `SELECT account, kind, SUM(amount) AS s FROM rw_entries WHERE account LIKE ? GROUP BY account, kind`,
    [`held:${encodeURIComponent(operator)}:%`],
  )) {
    const parties = heldParties(r.account);
    // LIKE's _ and % match more than the name: keep only this operator's held accounts
    if (parties?.referrer !== operator) continue;
    const v = Number(r.s);
    add(held, parties.referee, v);
    if (r.kind === 'hold_release') add(earned, parties.referee, -v);
  }
  return { earned, held };
}
