import { z } from 'zod';
import { anchorRefSchema } from './anchor-verify.js';

/*
 * The answers of /v1/rewards, shared by the coordinator (which builds them) and the SDK (which reads
 * them), so the two cannot drift. Amounts are micro-points (REWARDS.md).
 */

export const epochStatusSchema = z.object({
  epoch: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  closed: z.boolean(),
  captures: z.number(),
  pagesStored: z.number(),
  bytesServed: z.number(),
  /** Stored and not later found false, over every capture the operator's nodes sent. */
  acceptanceRate: z.number().nullable(),
  uptimeMs: z.number(),
  workPoints: z.number(),
  availabilityPoints: z.number(),
  clawedBack: z.number(),
  referral: z.object({ level1: z.number(), level2: z.number(), held: z.number() }),
  paidOut: z.number(),
});
export type EpochStatus = z.output<typeof epochStatusSchema>;

export const nodeCredibilitySchema = z.object({
  nodeId: z.string(),
  credibility: z.number(),
  multiplierBps: z.number(),
  reasons: z.array(z.string()),
});
export type NodeCredibility = z.output<typeof nodeCredibilitySchema>;

export const FLAG_KINDS = ['cluster', 'referral_tree', 'ip', 'network', 'fingerprint'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];
export const FLAG_STATUSES = ['open', 'cleared', 'confirmed'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/** A sybil flag with its evidence; an admin clears or confirms it. */
export const flagSchema = z.object({
  id: z.string(),
  kind: z.enum(FLAG_KINDS),
  status: z.enum(FLAG_STATUSES),
  evidence: z.record(z.string(), z.unknown()),
  members: z.array(z.object({ operator: z.string(), nodeId: z.string() })),
  createdAt: z.number(),
  reviewedAt: z.number().nullable(),
  note: z.string().nullable(),
});
export type Flag = z.output<typeof flagSchema>;

export const operatorStatusSchema = z.object({
  operator: z.string(),
  referralCode: z.string().nullable(),
  referredBy: z.string().nullable(),
  nodes: z.array(nodeCredibilitySchema),
  flags: z.array(flagSchema),
  /** Micro-points earned but not yet in a closed epoch's payout table. */
  pending: z.object({ work: z.number(), referral: z.number(), held: z.number() }),
  /** Micro-points in closed epochs' payout tables. */
  settled: z.number(),
  epochs: z.array(epochStatusSchema),
});
export type OperatorStatus = z.output<typeof operatorStatusSchema>;

/** A closed epoch: its payout table's Merkle root and where it is anchored. */
export const epochRowSchema = z.object({
  epoch: z.number().int(),
  startsAt: z.number(),
  endsAt: z.number(),
  closedAt: z.number(),
  policyVersion: z.number(),
  size: z.number().int(),
  total: z.number(),
  root: z.string(),
  anchor: anchorRefSchema.nullable(),
});
export type EpochRow = z.output<typeof epochRowSchema>;

/** One account's payout in a closed epoch, with its Merkle proof against the epoch's root. */
export const payoutClaimSchema = z.object({
  epoch: z.number().int(),
  account: z.string(),
  amount: z.number(),
  index: z.number().int(),
  size: z.number().int(),
  /** Hex sibling hashes, leaf to root. */
  proof: z.array(z.string()),
  root: z.string(),
  anchor: anchorRefSchema.nullable(),
});
export type PayoutClaim = z.output<typeof payoutClaimSchema>;
