import { z } from 'zod';

/**
 * What an operator sees of its own work beyond the status (coordinator rewards/operator-fetches.ts,
 * rewards/referral-tree.ts): the fetches its nodes made, newest first, and the operators it brought in.
 * Neither names a customer: an operator learns which pages went through its connection, not for whom.
 */
export const operatorFetchesQuerySchema = z
  .object({
    /** A cursor from a previous answer's `next`: fetches older than it. */
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

export const operatorFetchSchema = z.object({
  captureId: z.string(),
  nodeId: z.string(),
  url: z.string(),
  finalUrl: z.string(),
  status: z.number().int(),
  /** stored, unchanged, skipped, failed, … as ingest recorded it (and why, when it says). */
  outcome: z.string(),
  reason: z.string().nullable(),
  bytes: z.number().int(),
  /** Epoch milliseconds, as the node's signed capture states it. */
  fetchedAt: z.number(),
  /** Work micro-points the fetch earned (null: not paid, e.g. a spot-check re-fetch). */
  points: z.number().nullable(),
  clawedBack: z.boolean(),
});
export type OperatorFetch = z.output<typeof operatorFetchSchema>;

export const operatorFetchesSchema = z.object({
  operator: z.string(),
  fetches: z.array(operatorFetchSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.number().int().nullable(),
});
export type OperatorFetches = z.output<typeof operatorFetchesSchema>;

/** One operator below the viewer, with the referral micro-points the viewer earned from its work. */
export interface ReferralNode {
  operator: string;
  name: string | null;
  /** 1: the viewer referred it; 2: one of those did. */
  level: number;
  joinedAt: number;
  /** Referral micro-points credited to the viewer from this operator's captures (after clawbacks). */
  earned: number;
  /** Referral micro-points from it held while either side is under review. */
  held: number;
  referred: ReferralNode[];
}

export const referralNodeSchema: z.ZodType<ReferralNode> = z.lazy(() =>
  z.object({
    operator: z.string(),
    name: z.string().nullable(),
    level: z.number().int().min(1),
    joinedAt: z.number(),
    earned: z.number(),
    held: z.number(),
    referred: z.array(referralNodeSchema),
  }),
);

export const referralTreeSchema = z.object({
  operator: z.string(),
  referralCode: z.string().nullable(),
  /** How many levels down referral rewards reach (the policy's), so how deep the tree goes. */
  levels: z.number().int().min(0),
  referred: z.array(referralNodeSchema),
  /** Operators left out past the per-level cap (the tree is for looking at, not exporting). */
  truncated: z.boolean(),
});
export type ReferralTree = z.output<typeof referralTreeSchema>;
