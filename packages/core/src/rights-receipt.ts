import { z } from 'zod';
import { canonicalBytes } from './canonical-json.js';
import { CREATOR_PURPOSES } from './creator-wire.js';
import { sha256Hex } from './hash.js';
import { USAGE_PURPOSES, type UsagePurpose } from './usage-policy/purpose.js';

/**
 * A page's rights receipt: which policy documents the coordinator read before leasing the page and on its
 * response, each by the SHA-256 of its bytes, and what they decided for every purpose (train, input, index).
 * It is part of the log leaf (see docs/PROTOCOL.md, "Rights receipts"): the coordinator's signed checkpoint
 * commits to it, so a customer can show later what the site said at fetch time.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

/**
 * The receipt format; a new field or meaning gets a new number. 2: 1, and `creator`, the domain owner's
 * terms in force when the page's lease went out (a page of no claimed domain keeps writing 1). Both are read.
 */
export const RIGHTS_RECEIPT_VERSION = 1;
export const RIGHTS_RECEIPT_WITH_CREATOR = 2;

export const POLICY_DOC_KINDS = ['robots', 'tdmrep', 'rsl', 'headers', 'html'] as const;
export type PolicyDocKind = (typeof POLICY_DOC_KINDS)[number];

export const rightsDocumentSchema = z
  .object({
    /**
     * robots: robots.txt (Allow/Disallow, Content-Usage, Content-Signal, License); tdmrep: tdmrep.json;
     * rsl: an RSL licence file; headers: the page's response headers that carry a preference (hashed as
     * canonical JSON of `responseHeadersDocument`); html: an RSL licence inline in the page.
     */
    kind: z.enum(POLICY_DOC_KINDS),
    url: z.string().url().max(8192),
    sha256: hex64,
    /** The signed capture the document came in (the page's own for headers/html); null when none. */
    captureId: z
      .string()
      .regex(/^c_[0-9a-f]{32}$/)
      .nullable(),
  })
  .strict();

export type RightsDocument = z.infer<typeof rightsDocumentSchema>;

export const purposeDecisionSchema = z
  .object({
    decision: z.enum(['allow', 'skip', 'pay']),
    /** e.g. `no-signal`, `aipref:train-ai=n`, `content-signal:ai-train=no`, `rsl:payment-required`. */
    reason: z.string().min(1).max(200),
  })
  .strict();

export type PurposeDecision = z.infer<typeof purposeDecisionSchema>;

/**
 * The creator terms a page was captured under (sward creator terms): which domain's owner set them, which
 * version, and what they said. Copied whole, so the receipt alone shows them without the coordinator.
 */
export const receiptCreatorTermsSchema = z
  .object({
    domain: z.string().min(1).max(253),
    version: z.number().int().min(1),
    license: z.string().min(1).max(500),
    purposes: z.array(z.enum(CREATOR_PURPOSES)).min(1).max(CREATOR_PURPOSES.length),
    pricePer1000PagesUsd: z.string().regex(/^\d{1,9}(\.\d{1,3})?$/),
    royaltyShare: z.number().min(0).max(1),
  })
  .strict();
export type ReceiptCreatorTerms = z.infer<typeof receiptCreatorTermsSchema>;

export const rightsReceiptSchema = z
  .object({
    v: z.union([z.literal(RIGHTS_RECEIPT_VERSION), z.literal(RIGHTS_RECEIPT_WITH_CREATOR)]),
    /** The purpose the job declared; the page was stored only if it is allowed for it. */
    purpose: z.enum(USAGE_PURPOSES),
    documents: z.array(rightsDocumentSchema).max(32),
    decisions: z
      .object({ train: purposeDecisionSchema, input: purposeDecisionSchema, index: purposeDecisionSchema })
      .strict(),
    creator: receiptCreatorTermsSchema.optional(),
  })
  .strict()
  .refine((r) => (r.v === RIGHTS_RECEIPT_WITH_CREATOR) === (r.creator !== undefined), {
    message: 'a receipt of version 2 names the creator terms, and only version 2 does',
    path: ['creator'],
  });

export type RightsReceipt = z.infer<typeof rightsReceiptSchema>;
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
