import type { EpochStatus, NodeCredibility, OperatorStatus } from '@sward/core';
import { NOT_RUN } from '../spot-check/spot-checks.js';
import type { SqlDriver } from '../store/sql-driver.js';
import { heldParties, operatorAccount, referrerAccount } from './accounts.js';
import { epochBounds } from './epochs.js';
import type { Flags } from './flags.js';
import type { Referrals } from './referrals.js';
import { type RewardsPolicy, reputationBps } from './rewards-policy.js';

export type { EpochStatus, NodeCredibility, OperatorStatus };

/** Everything an operator may see about its own earnings, per epoch, newest first. */
export async function operatorStatus(
  db: SqlDriver,
  policy: RewardsPolicy,
  deps: { referrals: Referrals; flags: Flags },
  operator: string,
): Promise<OperatorStatus> {
  const op = operatorAccount(operator);
  const ref = referrerAccount(operator);
  const row = await deps.referrals.get(operator);
  const nodes = await db.all<{ id: string; credibility: unknown }>(
    'SELECT id, credibility FROM nodes WHERE operator = ? OR (operator IS NULL AND id = ?) ORDER BY id',
    [operator, operator],
  );
  const epochs = new Map<number, EpochStatus>();
  const at = (e: number): EpochStatus => {
    let s = epochs.get(e);
    if (!s) {
      const b = epochBounds(policy, e);
      s = {
        epoch: e,
        startsAt: new Date(b.startsAt).toISOString(),
        endsAt: new Date(b.endsAt).toISOString(),
        closed: false,
        captures: 0,
        pagesStored: 0,
        bytesServed: 0,
        acceptanceRate: null,
        uptimeMs: 0,
        workPoints: 0,
        availabilityPoints: 0,
        clawedBack: 0,
        referral: { level1: 0, level2: 0, held: 0 },
        paidOut: 0,
      };
      epochs.set(e, s);
    }
    return s;
  };
  for (const r of await db.all<Record<string, unknown>>(
    `SELECT epoch, COUNT(*) AS n,
       SUM(CASE WHEN outcome = 'stored' THEN 1 ELSE 0 END) AS stored,
       SUM(CASE WHEN outcome = 'stored' AND clawed_back_at IS NULL THEN 1 ELSE 0 END) AS accepted,
       SUM(CASE WHEN outcome = 'stored' THEN bytes ELSE 0 END) AS bytes
     FROM rw_captures WHERE operator = ? GROUP BY epoch`,
    [operator],
  )) {
    const s = at(Number(r.epoch));
    s.captures = Number(r.n);
    s.pagesStored = Number(r.stored);
    s.bytesServed = Number(r.bytes);
    s.acceptanceRate = s.captures ? Number(r.accepted) / s.captures : null;
  }
  const ids = nodes.map((n) => n.id);
  if (ids.length) {
    const { slotMs } = policy.availability;
    const ratio = `(slot * ${slotMs}) / ${policy.epochMs}`;
    for (const r of await db.all<{ e: unknown; n: unknown }>(
      `SELECT ${ratio} AS e, COUNT(*) AS n FROM rw_uptime WHERE node_id IN (${ids.map(() => '?').join(', ')})
       GROUP BY ${ratio}`,
      ids,
    ))
      at(Number(r.e)).uptimeMs += Number(r.n) * slotMs;
  }
  const heldPrefix = `held:${encodeURIComponent(operator)}:`;
  let pendingWork = 0;
  let pendingReferral = 0;
  let held = 0;
  for (const r of await db.all<{ epoch: unknown; account: string; kind: string; s: unknown }>(
    `SELECT epoch, account, kind, SUM(amount) AS s FROM rw_entries
     WHERE account = ? OR account = ? OR account LIKE ? GROUP BY epoch, account, kind`,
    [op, ref, `${heldPrefix}%`],
  )) {
    const s = at(Number(r.epoch));
    const v = Number(r.s);
    if (r.account === op) pendingWork += v;
    else if (r.account === ref) pendingReferral += v;
    else if (heldParties(r.account)?.referrer === operator) held += v;
    else continue;
    if (r.kind === 'work') s.workPoints += v;
    else if (r.kind === 'availability') s.availabilityPoints += v;
    else if (r.kind === 'clawback') s.clawedBack -= v;
    else if (r.kind === 'payout') s.paidOut -= v;
    else if (r.kind === 'referral_l1' && r.account === ref) s.referral.level1 += v;
    else if (r.kind === 'referral_l2' && r.account === ref) s.referral.level2 += v;
    if (r.account !== op && r.account !== ref && r.kind.startsWith('referral_')) s.referral.held += v;
  }
  for (const r of await db.all<{ id: unknown }>('SELECT id FROM rw_epochs')) {
    const e = epochs.get(Number(r.id));
    if (e) e.closed = true;
  }
  const settled = await db.get<{ s: unknown }>(
    'SELECT SUM(amount) AS s FROM rw_payouts WHERE account = ? OR account = ?',
    [op, ref],
  );
  return {
    operator,
    referralCode: row?.referralCode ?? null,
    referredBy: row?.referredBy ?? null,
    nodes: await Promise.all(nodes.map((n) => nodeCredibility(db, policy, n.id, Number(n.credibility)))),
    flags: await deps.flags.forOperator(operator),
    pending: { work: pendingWork, referral: pendingReferral, held },
    settled: Number(settled?.s ?? 0),
    epochs: [...epochs.values()].sort((a, b) => b.epoch - a.epoch),
  };
}

/** The score and the spot-check facts behind it, in words an operator can act on. */
export async function nodeCredibility(
  db: SqlDriver,
  policy: RewardsPolicy,
  nodeId: string,
  credibility: number,
): Promise<NodeCredibility> {
  const c = await db.get<{ n: unknown; ok: unknown }>(
    'SELECT COUNT(*) AS n, SUM(agreed) AS ok FROM rw_spot_checks WHERE node_id = ?',
    [nodeId],
  );
  const n = Number(c?.n ?? 0);
  const ok = Number(c?.ok ?? 0);
  const reasons = [
    n === 0
      ? 'no spot checks yet: full credibility'
      : `${ok} of ${n} spot checks agreed with another node's re-fetch`,
  ];
  const bad = await db.all<{ capture_id: string | null; reason: string | null; at: unknown }>(
    'SELECT capture_id, reason, at FROM rw_spot_checks WHERE node_id = ? AND agreed = 0 ORDER BY at DESC LIMIT 5',
    [nodeId],
  );
  for (const b of bad)
    reasons.push(
      `disagreement ${new Date(Number(b.at)).toISOString()}: capture ${b.capture_id ?? '?'}${b.reason ? ` (${b.reason})` : ''}, points clawed back`,
    );
  reasons.push(...(await checksNotRun(db, nodeId)));
  const multiplierBps = reputationBps(policy, credibility);
  if (multiplierBps === 0)
    reasons.push(
      `credibility ${credibility.toFixed(3)} is below ${policy.work.minCredibility}: no work points`,
    );
  return { nodeId, credibility, multiplierBps, reasons };
}

/**
 * The checks of a node's captures that ended with no node to take them (spot-checks.ts endNotRun): they count
 * neither way, so they are said apart, lest a node whose checks never run look checked. Round 1 against every
 * round-1 check of its captures that ended; round 2 (a tie-break) as a disagreement left unresolved.
 */
async function checksNotRun(db: SqlDriver, nodeId: string): Promise<string[]> {
  const rows = await db.all<{ round: unknown; outcome: string | null; n: unknown }>(
    `SELECT s.round, s.outcome, count(*) AS n FROM spot_checks s JOIN captures c ON c.id = s.capture_id
     WHERE c.node_id = ? AND s.round IN (1, 2) GROUP BY s.round, s.outcome`,
    [nodeId],
  );
  const count = (round: number, notRun: number) =>
    rows
      .filter((r) => Number(r.round) === round && Number(r.outcome === NOT_RUN) === notRun)
      .reduce((s, r) => s + Number(r.n), 0);
  const out: string[] = [];
  const [notRun, ended] = [count(1, 1), count(1, 1) + count(1, 0)];
  if (notRun)
    out.push(
      `${notRun} of ${ended} spot checks of its captures were not run: no node of another operator and network took them in time; they count neither way`,
    );
  const unresolved = count(2, 1);
  if (unresolved)
    out.push(
      `${unresolved} disagreement${unresolved === 1 ? '' : 's'} about its captures ${unresolved === 1 ? 'is' : 'are'} unresolved: no third node took the tie-break in time`,
    );
  return out;
}
