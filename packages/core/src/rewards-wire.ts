import type { AnchorRef } from './anchor-verify.js';

/*
 * The answers of /v1/rewards, shared by the coordinator (which builds them) and the SDK (which reads
 * them), so the two cannot drift. Amounts are micro-points (REWARDS.md).
 */

export interface EpochStatus {
  epoch: number;
  startsAt: string;
  endsAt: string;
  closed: boolean;
  captures: number;
  pagesStored: number;
  bytesServed: number;
  /** Stored and not later found false, over every capture the operator's nodes sent. */
  acceptanceRate: number | null;
  uptimeMs: number;
  workPoints: number;
  availabilityPoints: number;
  clawedBack: number;
  referral: { level1: number; level2: number; held: number };
  paidOut: number;
}

export interface NodeCredibility {
  nodeId: string;
  credibility: number;
  multiplierBps: number;
  reasons: string[];
}

export type FlagKind = 'cluster' | 'referral_tree' | 'ip' | 'network' | 'fingerprint';
export type FlagStatus = 'open' | 'cleared' | 'confirmed';

/** A sybil flag with its evidence; an admin clears or confirms it. */
export interface Flag {
  id: string;
  kind: FlagKind;
  status: FlagStatus;
  evidence: Record<string, unknown>;
  members: { operator: string; nodeId: string }[];
  createdAt: number;
  reviewedAt: number | null;
  note: string | null;
}

export interface OperatorStatus {
  operator: string;
  referralCode: string | null;
  referredBy: string | null;
  nodes: NodeCredibility[];
  flags: Flag[];
  /** Micro-points earned but not yet in a closed epoch's payout table. */
  pending: { work: number; referral: number; held: number };
  /** Micro-points in closed epochs' payout tables. */
  settled: number;
  epochs: EpochStatus[];
}

/** A closed epoch: its payout table's Merkle root and where it is anchored. */
export interface EpochRow {
  epoch: number;
  startsAt: number;
  endsAt: number;
  closedAt: number;
  policyVersion: number;
  size: number;
  total: number;
  root: string;
  anchor: AnchorRef | null;
}

/** One account's payout in a closed epoch, with its Merkle proof against the epoch's root. */
export interface PayoutClaim {
  epoch: number;
  account: string;
  amount: number;
  index: number;
  size: number;
  /** Hex sibling hashes, leaf to root. */
  proof: string[];
  root: string;
  anchor: AnchorRef | null;
}
