import { z } from 'zod';
import type { DocumentListing, PageListing, SkipEvidence, SkipListing } from './bundle/bundle-rows.js';
import { keepPiiSchema } from './crawl-wire.js';
import { signedRecordSchema } from './proof-wire.js';
import { purposeDecisionSchema } from './rights-receipt.js';
import { USAGE_PURPOSES } from './usage-policy/purpose.js';

/**
 * The answers of the crawl-job routes (/v1/jobs…, /v1/captures/:id), shared by the coordinator, the SDK
 * and the API contract. The `satisfies` ties below keep the bundle writer's row types (bundle-rows.ts)
 * and these schemas the same shape.
 */

const decision = purposeDecisionSchema.shape.decision;
/** Per purpose, from the leaf's rights receipt (null: captured before receipts). */
export const pageUsageSchema = z.object({ train: decision, input: decision, index: decision });

/**
 * What a job's queued pages on one site wait for before any of them may be leased: the site's robots.txt
 * (RFC 9309), read first and, where other operators' nodes are active, confirmed by a node of another operator.
 */
export const jobWaitSchema = z.object({
  origin: z.string(),
  /**
   * The policy file the site's pages wait for: robots.txt, then tdmrep.json, then an RSL licence robots.txt or a
   * page names (`url` says which); older coordinators name robots.txt only.
   */
  file: z.enum(['robots.txt', 'tdmrep.json', 'licence']),
  /** `licence`: the licence's URL. */
  url: z.string().optional(),
  /** This job's pages queued behind it. */
  pages: z.number().int(),
  /**
   * `not_fetched`: no node has fetched it yet; `fetching`: a node has it now; `unconfirmed`: a node's answer
   * (opening the site, or closing it: robots.txt unreachable, 5xx, disallowing everything) waits for a node of
   * another operator to confirm it, or operators' answers disagree and wait for another operator's node, or for
   * `until`; `refused`: a node refused it by its operator's rules, another may not.
   */
  reason: z.enum(['not_fetched', 'fetching', 'unconfirmed', 'refused']),
  /** One line for people, naming the site, the answer and what would end the wait. */
  message: z.string(),
  /** `unconfirmed`: when the answer stands with no other operator's word (epoch ms). */
  until: z.number().optional(),
});
export type JobWait = z.output<typeof jobWaitSchema>;

export const jobProgressSchema = z.object({
  queued: z.number().int(),
  leased: z.number().int(),
  stored: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  skippedByReason: z.record(z.string(), z.number()),
  failedByReason: z.record(z.string(), z.number()),
  pagesByNode: z.record(z.string(), z.number()),
  /** Stored pages whose document is still being made (absent from older coordinators). */
  documentsPending: z.number().int().optional(),
  /** Stored pages taken from the archive (--max-age) and fetched by nodes for this job; they sum to stored. */
  fromArchive: z.number().int().optional(),
  fetched: z.number().int().optional(),
  /** Sites whose queued pages wait for a policy file, most pages first (up to 10; absent from older coordinators). */
  waitingFor: z.array(jobWaitSchema).optional(),
});
export type JobProgress = z.output<typeof jobProgressSchema>;

/** A job's options as stored (licence tokens are never shown back). */
export const jobOptionsSchema = z.object({
  seed: z.string().optional(),
  maxPages: z.number().int(),
  maxDepth: z.number().int(),
  include: z.array(z.string()),
  exclude: z.array(z.string()),
  /** Absent for a job made before purposes (it ran as `train`). */
  purpose: z.enum(USAGE_PURPOSES).optional(),
  maxPrice: z.string().optional(),
  budget: z.string().optional(),
  keepPii: keepPiiSchema.optional(),
  maxAge: z.string().optional(),
});

/** A crawl job's states; `done` and `cancelled` are final. */
export const JOB_STATES = ['running', 'done', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const jobInfoSchema = z.object({
  id: z.string(),
  seed: z.string(),
  /** `cancelled`: by its customer (POST /v1/jobs/:id/cancel); what it stored stays, nothing more is fetched. */
  state: z.enum(JOB_STATES),
  stored: z.number().int(),
  createdAt: z.number(),
  /**
   * Done: every page answered and every stored page's document made (epoch ms). Cancelled: every document
   * of the pages stored before the cancel made (its output may be downloaded from then on).
   */
  finishedAt: z.number().nullable(),
  /** Every page answered; documents may still be in the making (absent from older coordinators). */
  capturedAt: z.number().nullable().optional(),
  options: jobOptionsSchema,
  progress: jobProgressSchema.optional(),
  /** Pay-per-crawl jobs: USD charged so far, held for leases out now, and the budget (null: none). */
  spend: z.object({ spent: z.string(), held: z.string(), budget: z.string().nullable() }).optional(),
  /** The live collection whose refresh this job is; null for a crawl (absent from older coordinators). */
  collectionId: z.string().nullable().optional(),
});
export type JobInfo = z.output<typeof jobInfoSchema>;

/** A stored page as GET /v1/jobs/:id/pages lists it, with its order key. */
export const pageRowSchema = z.object({
  seq: z.number().int(),
  captureId: z.string(),
  url: z.string(),
  finalUrl: z.string(),
  fetchedAt: z.string(),
  status: z.number().int(),
  contentType: z.string().nullable(),
  bodySha256: z.string(),
  bodyLength: z.number().int(),
  blobPath: z.string(),
  nodeId: z.string(),
  leafIndex: z.number().int().nullable(),
  usage: pageUsageSchema.nullable().optional(),
  /** True when the page came from the archive (another job's capture, same signed leaf): not fetched again. */
  reused: z.boolean().optional(),
  signedCapture: signedRecordSchema,
});
export type PageRow = z.output<typeof pageRowSchema>;
pageRowSchema satisfies z.ZodType<PageListing>;

export const pagesAnswerSchema = z.object({ pages: z.array(pageRowSchema), next: z.string().nullable() });

/** A document as GET /v1/jobs/:id/documents lists it. */
export const documentRowSchema = z.object({
  seq: z.number().int(),
  captureId: z.string(),
  leafIndex: z.number().int().nullable(),
  /** The body the document was extracted from, by its signed hash. */
  bodySha256: z.string(),
  usage: pageUsageSchema.nullable().optional(),
  /** The extractor's document: title, author, published, language, text, markdown, links, quality, pii… */
  document: z.looseObject({ text: z.string(), language: z.string().nullable(), url: z.string().nullable() }),
});
export type JobDocumentRow = z.output<typeof documentRowSchema>;
documentRowSchema satisfies z.ZodType<DocumentListing>;

export const documentsAnswerSchema = z.object({
  documents: z.array(documentRowSchema),
  next: z.number().int().nullable(),
});

/** What a skipped or failed URL's reason rests on (bundle-rows.ts SkipEvidence). */
export const skipEvidenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('capture'), signedCapture: z.unknown() }),
  z.object({
    kind: z.literal('policy'),
    policy: z.enum(['robots', 'tdmrep']),
    url: z.string(),
    captureId: z.string().nullable(),
    bodySha256: z.string().nullable(),
  }),
  z.object({ kind: z.literal('none'), why: z.string() }),
]);
skipEvidenceSchema satisfies z.ZodType<SkipEvidence>;

export const skipRowSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  state: z.enum(['skipped', 'failed']),
  reason: z.string(),
  detail: z.string().nullable(),
  captureId: z.string().nullable(),
  evidence: skipEvidenceSchema,
});
export type SkipRow = z.output<typeof skipRowSchema>;
skipRowSchema satisfies z.ZodType<SkipListing>;

export const skippedAnswerSchema = z.object({
  skipped: z.array(skipRowSchema),
  next: z.number().int().nullable(),
});

/** GET /v1/captures/:id: the stored capture row and its signed record. */
export const captureInfoSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  jobId: z.string(),
  nodeId: z.string(),
  requestedUrl: z.string(),
  finalUrl: z.string(),
  status: z.number().int(),
  contentType: z.string().nullable(),
  bodySha256: z.string(),
  bodyLength: z.number().int(),
  fetchedAt: z.number(),
  /** The node-signed record, parsed. */
  signed: signedRecordSchema,
  outcome: z.string(),
  reason: z.string().nullable(),
  leafIndex: z.number().int().nullable(),
});
export type CaptureInfo = z.output<typeof captureInfoSchema>;
