import type { SqlExecutor } from '../store/sql-driver.js';
import { operatorAccount, TREASURY } from './accounts.js';
import type { Ledger } from './ledger.js';
import { MICRO } from './rewards-policy.js';

/**
 * Points a node's operator earns each time one of its captures is sold again from the archive (docs/REWARDS.md
 * "Reuse royalty"): a quarter of a page's base work points (policy.work.perPage, 1 point), whatever the
 * page's size: the node did the fetch once, and a reuse costs it nothing.
 */
export const REUSE_ROYALTY_MICRO = MICRO / 4;

/** What the royalty reads of the rewards service. */
export interface RoyaltyLedger {
  readonly ledger: Ledger;
  readonly policy: { version: number };
  epochOf(at?: number): number;
  now(): number;
}

export interface ReuseSale {
  /** The sale: `job:<id>` for a crawl job's output, a download's or build's own id for others. */
  ref: string;
  /** The customer tenant the captures are sold to. */
  buyer: string;
  captures: readonly { captureId: string; nodeId: string }[];
}

export interface RoyaltyLine {
  captureId: string;
  /** Micro-points paid now; 0 with `why` when nothing was (self-dealing, already paid, not payable). */
  paid: number;
  why?: 'already-paid' | 'own-capture' | 'not-payable';
}

/**
 * Pays the reuse royalty of one sale inside the caller's transaction: per capture, the operator of the node
 * that made it earns REUSE_ROYALTY_MICRO, issued by the treasury. Idempotent per (sale ref, capture): a
 * replayed sale pays nothing more. Nothing is paid for a capture sold back to the tenant it was made for
 * (the node was paid its work points for that very sale), nor for one a spot check refuted or flagged, nor
 * when the node named is not the one that made it (a caller cannot direct the royalty).
 */
export async function payReuseRoyalty(
  tx: SqlExecutor,
  rewards: RoyaltyLedger,
  sale: ReuseSale,
): Promise<RoyaltyLine[]> {
  const out: RoyaltyLine[] = [];
  const at = rewards.now();
  for (const { captureId, nodeId } of sale.captures) {
    const c = await tx.get<{ node_id: string; tenant_id: string | null; operator: string | null }>(
      `SELECT c.node_id, j.tenant_id, n.operator FROM captures c JOIN jobs j ON j.id = c.job_id
       LEFT JOIN nodes n ON n.id = c.node_id
       WHERE c.id = ? AND c.outcome = 'stored' AND c.flagged = 0`,
      [captureId],
    );
    if (!c || c.node_id !== nodeId) {
      out.push({ captureId, paid: 0, why: 'not-payable' });
      continue;
    }
    if ((c.tenant_id ?? 'default') === sale.buyer) {
      out.push({ captureId, paid: 0, why: 'own-capture' });
      continue;
    }
    const operator = c.operator || nodeId;
    const tx_ = await rewards.ledger.post(tx, {
      idemKey: `reuse:${sale.ref}:${captureId}`,
      kind: 'reuse_royalty',
      epoch: rewards.epochOf(at),
      policyVersion: rewards.policy.version,
      lines: [
        { account: operatorAccount(operator), amount: REUSE_ROYALTY_MICRO, kind: 'reuse_royalty' },
        { account: TREASURY, amount: -REUSE_ROYALTY_MICRO, kind: 'issue' },
      ],
      ref: captureId,
      memo: sale.ref,
      at,
    });
    out.push(
      tx_ === null ? { captureId, paid: 0, why: 'already-paid' } : { captureId, paid: REUSE_ROYALTY_MICRO },
    );
  }
  return out;
}
