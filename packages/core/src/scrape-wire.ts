import { z } from 'zod';
import { crawlRequestSchema } from './crawl-wire.js';
import { pageRowSchema, skipEvidenceSchema } from './job-wire.js';
import { rowProofSchema } from './proof-wire.js';
import { webUrlSchema } from './web-url.js';

/** POST /v1/scrape: one URL, fetched through a node and answered in the same request. */
export const scrapeRequestSchema = z
  .object({
    url: webUrlSchema,
    /** How long the coordinator waits for the page before answering 504 with the job to follow. */
    timeoutMs: z.number().int().min(1000).max(120_000).default(60_000),
    /**
     * What the page is for (docs/PUBLISHERS.md). Default `input`: a page fetched for an answer in the same
     * request is handed to a model at question time, as a live collection's are.
     */
    purpose: crawlRequestSchema.shape.purpose,
  })
  .strict();

export type ScrapeRequest = z.input<typeof scrapeRequestSchema>;

/**
 * The answer: the page with its signed capture, its document (text and Markdown) and its proof when it
 * was stored; the reason (robots.txt, noai, TDM, a failure) when it was not.
 */
export const scrapeAnswerSchema = z.discriminatedUnion('state', [
  z.object({
    jobId: z.string(),
    url: z.string(),
    state: z.literal('stored'),
    page: pageRowSchema.omit({ seq: true }).extend({ seq: z.number().int().optional() }),
    /** The cleaned document; null for a body the extractor does not read (not HTML). */
    document: z.record(z.string(), z.unknown()).nullable(),
    proof: rowProofSchema,
  }),
  z.object({
    jobId: z.string(),
    url: z.string(),
    state: z.enum(['skipped', 'failed']),
    reason: z.string(),
    detail: z.string().nullable(),
    evidence: skipEvidenceSchema.nullable(),
  }),
]);
export type ScrapeAnswer = z.output<typeof scrapeAnswerSchema>;
