import { z } from 'zod';
import { jobComplianceSchema } from '../compliance-wire.js';
import { crawlRequestSchema } from '../crawl-wire.js';
import {
  captureInfoSchema,
  documentsAnswerSchema,
  jobInfoSchema,
  pagesAnswerSchema,
  skippedAnswerSchema,
} from '../job-wire.js';
import { checkpointInfoSchema, rowProofSchema } from '../proof-wire.js';
import { scrapeAnswerSchema, scrapeRequestSchema } from '../scrape-wire.js';
import { json, key, route } from './route.js';

/** Crawl jobs and their output (coordinator api/customer-routes.ts, scrape-routes.ts): scope crawl. */
const tag = 'jobs';
const rule = key('crawl');
const id = z.object({ id: z.string() });
const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const limit = z.coerce.number().int().min(1).max(5000).default(500);

export const jobsListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .strict();
/** `leaf` or `leaf:seq` from a previous answer's `next`; empty or absent: from the start. */
export const PAGE_CURSOR = /^(?:(-1|\d{1,15})(?::(\d{1,15}))?)?$/;
export const pagesQuerySchema = z
  .object({
    after: z.string().regex(PAGE_CURSOR, "expected a cursor from a previous answer's next").optional(),
    limit,
  })
  .strict();
export const documentsQuerySchema = z.object({ after: seq.default(0), limit }).strict();
/** `limit` is optional: left out, a page of 5,000 as before (the console asks for 50). */
export const skippedQuerySchema = z
  .object({ after: seq.default(0), limit: z.coerce.number().int().min(1).max(5000).default(5000) })
  .strict();
/** The output's document filters; the coordinator narrows `quality` to its extractor's presets. */
export const manifestQuerySchema = z
  .object({
    size: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    lang: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,16}(,[A-Za-z0-9-]{1,16}){0,49}$/, 'expected comma-separated language codes')
      .optional(),
    quality: z.string().optional(),
    dedup: z.coerce.number().min(0).max(1).optional(),
    warc: z.enum(['0', '1']).optional(),
  })
  .strict();
export const proofQuerySchema = z
  .object({ captureId: z.string().min(1).max(200).optional(), url: z.string().min(1).max(8192).optional() })
  .strict()
  .refine((q) => q.captureId !== undefined || q.url !== undefined, 'give captureId or url');

export const jobRoutes = [
  route({
    method: 'POST',
    path: '/v1/jobs',
    tag,
    summary: 'Start a crawl job',
    rule,
    body: crawlRequestSchema,
    responses: { 201: json(jobInfoSchema, 'The new job') },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs',
    tag,
    summary: "The tenant's crawl jobs, newest first",
    rule,
    query: jobsListQuerySchema,
    responses: { 200: json(z.object({ jobs: z.array(jobInfoSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs/:id',
    tag,
    summary: 'A job with its progress (and spend, for pay-per-crawl jobs)',
    rule,
    params: id,
    responses: { 200: json(jobInfoSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/jobs/:id/cancel',
    tag,
    summary:
      "Cancel a running job: nothing more is leased, open leases close, what it stored stays downloadable; cancelling again answers the job (a finished job or a live collection's refresh: 409)",
    rule,
    params: id,
    responses: { 200: json(jobInfoSchema, 'The cancelled job') },
  }),
  route({
    method: 'POST',
    path: '/v1/jobs/:id/seal',
    tag,
    summary: "Seal a finished job's provenance: the checkpoint its proofs are made against",
    rule,
    params: id,
    responses: { 200: json(checkpointInfoSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs/:id/pages',
    tag,
    summary: "A job's stored pages in log order; next is a cursor for after",
    rule,
    params: id,
    query: pagesQuerySchema,
    responses: { 200: json(pagesAnswerSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs/:id/compliance',
    tag,
    summary: "The robots.txt, tdmrep.json and RSL answers the job's decisions rest on",
    rule,
    params: id,
    responses: { 200: json(jobComplianceSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs/:id/documents',
    tag,
    summary: "A job's extracted documents",
    rule,
    params: id,
    query: documentsQuerySchema,
    responses: { 200: json(documentsAnswerSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs/:id/skipped',
    tag,
    summary: "A job's skipped and failed URLs with their evidence",
    rule,
    params: id,
    query: skippedQuerySchema,
    responses: { 200: json(skippedAnswerSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/jobs/:id/manifest',
    tag,
    summary: "The signed manifest of a done job's output folder",
    rule,
    params: id,
    query: manifestQuerySchema,
    responses: { 200: { contentType: 'text/plain', description: 'A C2SP signed note over every file' } },
  }),
  route({
    method: 'GET',
    path: '/v1/blobs/:sha',
    tag,
    summary: "A raw body by its SHA-256, through one of the tenant's captures",
    rule,
    params: z.object({ sha: z.string() }),
    responses: { 200: { contentType: 'application/octet-stream', description: 'The body', binary: true } },
  }),
  route({
    method: 'GET',
    path: '/v1/proofs',
    tag,
    summary: "A row's proof by capture id or URL: signed record, leaf, checkpoint, inclusion proof",
    rule,
    query: proofQuerySchema,
    responses: { 200: json(rowProofSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/captures/:id',
    tag,
    summary: 'A stored capture and its signed record',
    rule,
    params: id,
    responses: { 200: json(captureInfoSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/scrape',
    tag,
    summary: 'One URL through a node, answered in the same request',
    rule,
    body: scrapeRequestSchema,
    responses: { 200: json(scrapeAnswerSchema) },
  }),
];
