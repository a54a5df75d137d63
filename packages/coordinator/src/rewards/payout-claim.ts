import { CoreError, canonicalBytes, leafHash, verifyInclusion } from '@sward/core';

/** The format tag inside every payout leaf, so a leaf of another tree can never pass as a claim. */
export const CLAIM_LEAF_FORMAT = 'sward-reward-claim/1';

export interface Claim {
  epoch: number;
  account: string;
  /** Micro-points. */
  amount: number;
}

export interface ClaimProof extends Claim {
  index: number;
  size: number;
  /** Audit path, hex, leaf to root (RFC 9162 §2.1.3). */
  proof: string[];
}

/** Leaf = RFC 6962 leaf hash of the RFC 8785 JSON {format, epoch, account, amount (decimal string)}. */
export function claimLeaf(c: Claim): Buffer {
  return leafHash(
    canonicalBytes({
      format: CLAIM_LEAF_FORMAT,
      epoch: c.epoch,
      account: c.account,
      amount: String(c.amount),
    }),
  );
}

/** Offline check of one account's claim against an epoch root; the reason says what did not match. */
export function verifyClaim(rootHex: string, p: ClaimProof): { ok: true } | { ok: false; reason: string } {
  if (!/^[0-9a-f]{64}$/i.test(rootHex)) return { ok: false, reason: 'root must be 64 hex characters' };
  if (p.proof.some((h) => !/^[0-9a-f]{64}$/i.test(h)))
    return { ok: false, reason: 'every proof element must be 64 hex characters' };
  try {
    verifyInclusion(
      claimLeaf(p),
      p.index,
      p.size,
      p.proof.map((h) => Buffer.from(h, 'hex')),
      Buffer.from(rootHex, 'hex'),
    );
    return { ok: true };
  } catch (e) {
    if (e instanceof CoreError) return { ok: false, reason: e.message };
    throw e;
  }
}
