// The rights receipt's schema (rights-receipt.ts tells what a receipt is), in zod/mini: it is part of the
// signed capture a proof carries, so the browser's proof check parses it, and zod/mini is a few KB where
// zod's classic API is hundreds. The schemas are zod schemas like any other (OpenAPI, classic objects
// nest them); only the way they are written differs.
import * as z from 'zod/mini';
// url() below asks URL.canParse: this puts Node 20's fast-API fault right first (can-parse-url.ts).
import './can-parse-url.js';
import { USAGE_PURPOSES } from './usage-policy/purpose.js';

const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'));

/**
 * The receipt format; a new field or meaning gets a new number. 2: 1, and `creator`, the domain owner's
 * terms in force when the page's lease went out (a page of no claimed domain keeps writing 1). Both are read.
 */
export const RIGHTS_RECEIPT_VERSION = 1;
export const RIGHTS_RECEIPT_WITH_CREATOR = 2;

export const POLICY_DOC_KINDS = ['robots', 'tdmrep', 'rsl', 'headers', 'html'] as const;
export type PolicyDocKind = (typeof POLICY_DOC_KINDS)[number];

export const rightsDocumentSchema = z.strictObject({
  /**
   * robots: robots.txt (Allow/Disallow, Content-Usage, Content-Signal, License); tdmrep: tdmrep.json;
   * rsl: an RSL licence file; headers: the page's response headers that carry a preference (hashed as
   * canonical JSON of `responseHeadersDocument`); html: an RSL licence inline in the page.
   */
  kind: z.enum(POLICY_DOC_KINDS),
  url: z.url().check(z.maxLength(8192)),
  sha256: hex64,
  /** The signed capture the document came in (the page's own for headers/html); null when none. */
  captureId: z.nullable(z.string().check(z.regex(/^c_[0-9a-f]{32}$/))),
});

export type RightsDocument = z.infer<typeof rightsDocumentSchema>;

export const purposeDecisionSchema = z.strictObject({
  decision: z.enum(['allow', 'skip', 'pay']),
  /** e.g. `no-signal`, `aipref:train-ai=n`, `content-signal:ai-train=no`, `rsl:payment-required`. */
  reason: z.string().check(z.minLength(1), z.maxLength(200)),
});

export type PurposeDecision = z.infer<typeof purposeDecisionSchema>;

/** The purposes creator terms may allow: the usage purposes (creator-wire.ts CREATOR_PURPOSES). */
const TERMS_PURPOSES = USAGE_PURPOSES;

/**
 * The creator terms a page was captured under (sward creator terms): which domain's owner set them, which
 * version, and what they said. Copied whole, so the receipt alone shows them without the coordinator.
 */
export const receiptCreatorTermsSchema = z.strictObject({
  domain: z.string().check(z.minLength(1), z.maxLength(253)),
  version: z.int().check(z.minimum(1)),
  license: z.string().check(z.minLength(1), z.maxLength(500)),
  purposes: z.array(z.enum(TERMS_PURPOSES)).check(z.minLength(1), z.maxLength(TERMS_PURPOSES.length)),
  pricePer1000PagesUsd: z.string().check(z.regex(/^\d{1,9}(\.\d{1,3})?$/)),
  royaltyShare: z.number().check(z.minimum(0), z.maximum(1)),
});
export type ReceiptCreatorTerms = z.infer<typeof receiptCreatorTermsSchema>;

export const rightsReceiptSchema = z
  .strictObject({
    v: z.union([z.literal(RIGHTS_RECEIPT_VERSION), z.literal(RIGHTS_RECEIPT_WITH_CREATOR)]),
    /** The purpose the job declared; the page was stored only if it is allowed for it. */
    purpose: z.enum(USAGE_PURPOSES),
    documents: z.array(rightsDocumentSchema).check(z.maxLength(32)),
    decisions: z.strictObject({
      train: purposeDecisionSchema,
      input: purposeDecisionSchema,
      index: purposeDecisionSchema,
    }),
    creator: z.optional(receiptCreatorTermsSchema),
  })
  .check(
    z.refine((r) => (r.v === RIGHTS_RECEIPT_WITH_CREATOR) === (r.creator !== undefined), {
      message: 'a receipt of version 2 names the creator terms, and only version 2 does',
      path: ['creator'],
    }),
  );

export type RightsReceipt = z.infer<typeof rightsReceiptSchema>;
