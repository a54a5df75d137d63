import { z } from 'zod';
import { RewardsError } from './rewards-error.js';

/** One micro-point: ledger amounts are integers of these. */
export const MICRO = 1_000_000;
const MIB = 1024 * 1024;
const BPS = 10_000;

const bps = z.number().int().min(0).max(BPS);
const micro = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The earning rules, versioned: every ledger transaction records the version that priced it, so a
 * changed policy never silently re-prices history. Rates are micro-points; shares are basis points.
 * docs/REWARDS.md explains each field with a worked example.
 */
export const rewardsPolicySchema = z.object({
  version: z.number().int().min(1),
  epochMs: z.number().int().min(60_000),
  work: z.object({
    perPage: micro,
    perMiB: micro,
    /** Below this spot-check credibility a node earns no work points at all. */
    minCredibility: z.number().min(0).max(1),
  }),
  availability: z.object({
    /** Uptime is counted in slots: one heartbeat in a slot counts the whole slot. */
    slotMs: z.number().int().min(1000),
    perHour: micro,
    /** Idling can never out-earn working: availability ≤ this share of the same epoch's work points. */
    maxShareOfWorkBps: bps,
    /** …and never more than this per node per epoch. */
    maxPerNodePerEpoch: micro,
    /** Cap for operators under an open or confirmed sybil flag. */
    flaggedMaxPerEpoch: micro,
  }),
  referral: z.object({
    /** Share of a referee's work points per level (level 1 first); at most two levels. */
    levelsBps: z.array(bps).max(2),
  }),
  /** docs/REWARDS.md "Sybil signals": what links two operators, and how many linked ones make a flag. */
  sybil: z.object({
    enabled: z.boolean(),
    /** Evidence (uptime slots with addresses, session starts) is read over this window before a scan. */
    windowMs: z.number().int().min(60_000),
    /** Time two operators must have spent behind one address (counted in uptime slots)… */
    minSharedMs: z.number().int().min(1),
    /** …making at least this share of the slots the less-seen of the two was online at all. */
    minSharedShare: z.number().min(0).max(1),
    /** Two session starts this close together, in one /24 (IPv6 /64), are in lockstep… */
    lockstepMs: z.number().int().min(1),
    /** …and this many such coincidences link two operators. */
    minLockstepStarts: z.number().int().min(1),
    /** A linked group of this many operators is flagged. */
    minClusterOperators: z.number().int().min(2),
    /** …or this many linked operators inside one referral tree. */
    minTreeOperators: z.number().int().min(2),
  }),
});

export type RewardsPolicy = z.infer<typeof rewardsPolicySchema>;

export const defaultRewardsPolicy: RewardsPolicy = {
  version: 1,
  epochMs: 7 * 24 * 3600_000,
  work: { perPage: MICRO, perMiB: MICRO / 2, minCredibility: 0.5 },
  availability: {
    slotMs: 5 * 60_000,
    perHour: MICRO / 10,
    maxShareOfWorkBps: 2_500,
    maxPerNodePerEpoch: 20 * MICRO,
    flaggedMaxPerEpoch: 0,
  },
  referral: { levelsBps: [1_000, 500] },
  sybil: {
    enabled: true,
    windowMs: 7 * 24 * 3600_000,
    minSharedMs: 72 * 3600_000,
    minSharedShare: 0.5,
    lockstepMs: 10_000,
    minLockstepStarts: 3,
    minClusterOperators: 4,
    minTreeOperators: 3,
  },
};

/** Defaults overridden field by field, then checked; a bad field is named in the error. */
export function rewardsPolicy(overrides: DeepPartial<RewardsPolicy> = {}): RewardsPolicy {
  const d = defaultRewardsPolicy;
  const o = overrides;
  const merged = {
    ...d,
    ...o,
    work: { ...d.work, ...o.work },
    availability: { ...d.availability, ...o.availability },
    referral: { ...d.referral, ...o.referral },
    sybil: { ...d.sybil, ...o.sybil },
  };
  const r = rewardsPolicySchema.safeParse(merged);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RewardsError('BAD_INPUT', `rewards policy ${i?.path.join('.')}: ${i?.message}`);
  }
  return r.data;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Credibility (0..1) as a basis-point multiplier; nothing below the policy's floor. */
export function reputationBps(policy: RewardsPolicy, credibility: number): number {
  if (!Number.isFinite(credibility) || credibility < policy.work.minCredibility) return 0;
  return Math.max(0, Math.min(BPS, Math.round(credibility * BPS)));
}

/** Work points for one accepted page: (perPage + bytes·perMiB/MiB) × reputation, rounded down. */
export function workPoints(policy: RewardsPolicy, bytes: number, credibility: number): number {
  const base = BigInt(policy.work.perPage) + (BigInt(bytes) * BigInt(policy.work.perMiB)) / BigInt(MIB);
  return Number((base * BigInt(reputationBps(policy, credibility))) / BigInt(BPS));
}

/** Referral shares of `work` by level, paid by the treasury on top of (never out of) the referee's points. */
export function referralShares(policy: RewardsPolicy, work: number): number[] {
  return policy.referral.levelsBps.map((b) => Number((BigInt(work) * BigInt(b)) / BigInt(BPS)));
}

/** Availability for one operator's epoch: uptime-priced, then capped by work, node count and flags. */
export function availabilityPoints(
  policy: RewardsPolicy,
  a: { uptimeSlots: number; nodes: number; workPoints: number; flagged: boolean },
): number {
  const p = policy.availability;
  const earned = (BigInt(a.uptimeSlots) * BigInt(p.slotMs) * BigInt(p.perHour)) / 3_600_000n;
  const byWork = (BigInt(a.workPoints) * BigInt(p.maxShareOfWorkBps)) / BigInt(BPS);
  const byNodes = BigInt(a.nodes) * BigInt(p.maxPerNodePerEpoch);
  let out = earned < byWork ? earned : byWork;
  if (byNodes < out) out = byNodes;
  if (a.flagged && BigInt(p.flaggedMaxPerEpoch) < out) out = BigInt(p.flaggedMaxPerEpoch);
  return Number(out);
}
