import { canonicalBytes } from './canonical-json.js';
import { sha256Hex } from './hash.js';
import type { UsagePurpose } from './usage-policy/purpose.js';

/**
 * A page's rights receipt: which policy documents the coordinator read before leasing the page and on its
 * response, each by the SHA-256 of its bytes, and what they decided for every purpose (train, input, index).
 * It is part of the log leaf (see docs/PROTOCOL.md, "Rights receipts"): the coordinator's signed checkpoint
 * commits to it, so a customer can show later what the site said at fetch time.
 */

import {
  type PurposeDecision,
  type ReceiptCreatorTerms,
  type RightsReceipt,
  receiptCreatorTermsSchema,
  rightsReceiptSchema,
} from './rights-receipt-schema.js';

export * from './rights-receipt-schema.js';
export type PurposeDecisions = Record<UsagePurpose, PurposeDecision>;

/** Response headers that carry a publisher's preference about use; hashed into the receipt when present. */
export const RIGHTS_HEADERS = [
  'content-usage',
  'content-signal',
  'link',
  'tdm-reservation',
  'tdm-policy',
  'x-robots-tag',
] as const;

/** The subset of a capture's signed headers a receipt's `headers` document stands for, or null when none. */
export function responseHeadersDocument(
  headers: Record<string, string | undefined>,
): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const name of RIGHTS_HEADERS) {
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** The hash a receipt records for a `headers` document. */
export function responseHeadersSha256(doc: Record<string, string>): string {
  return sha256Hex(canonicalBytes(doc));
}

/** Per purpose, whether a page may be used for it (`allow`), as its receipt says; null without a receipt. */
export type PageUsage = Record<UsagePurpose, PurposeDecision['decision']>;

/**
 * The per-purpose decisions of a log leaf's receipt, for pages and documents rows: a dataset build keeps only
 * pages whose `usage.train` is `allow`. Null for a leaf from before receipts (nothing is known).
 */
export function usageOf(signedCapture: unknown): PageUsage | null {
  const r = (signedCapture as { rights?: unknown } | null)?.rights;
  const parsed = rightsReceiptSchema.safeParse(r);
  if (!parsed.success) return null;
  const d = parsed.data.decisions;
  return { train: d.train.decision, input: d.input.decision, index: d.index.decision };
}

/**
 * The receipt's decision for `purpose`, the domain owner's terms included: a page captured under creator
 * terms that do not list the purpose is refused for it (`creator:purpose-not-allowed`) whatever the site's
 * own signals said, so a page fetched for `input` under terms allowing only `input` never enters a
 * training dataset. Dataset builds and `sward verify` both decide through this one function.
 */
export function receiptDecision(r: RightsReceipt, purpose: UsagePurpose): PurposeDecision {
  if (r.creator && !r.creator.purposes.includes(purpose))
    return {
      decision: 'skip',
      reason: `creator:purpose-not-allowed (terms v${r.creator.version} of ${r.creator.domain} allow ${r.creator.purposes.join(', ')})`,
    };
  return r.decisions[purpose];
}

/** The creator terms a log leaf's receipt names, for pages rows; null when none (or before receipts). */
export function creatorTermsOf(signedCapture: unknown): ReceiptCreatorTerms | null {
  const r = (signedCapture as { rights?: { creator?: unknown } } | null)?.rights?.creator;
  if (r === undefined) return null;
  const parsed = receiptCreatorTermsSchema.safeParse(r);
  return parsed.success ? parsed.data : null;
}
