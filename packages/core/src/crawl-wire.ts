import { z } from 'zod';
import { webUrlSchema } from './web-url.js';

/**
 * Which kinds of personal data the job's documents keep: true keeps all, false (or leaving it out) redacts
 * all, per kind `{ email: true }` keeps emails and redacts the rest (kinds left out are redacted). Stored
 * with the job, so its documents are made, and re-made by `sward verify --rederive`, with the same choice.
 */
export const keepPiiSchema = z.union([
  z.boolean(),
  z
    .object({
      email: z.boolean().optional(),
      phone: z.boolean().optional(),
      ip: z.boolean().optional(),
      card: z.boolean().optional(),
    })
    .strict(),
]);
export type KeepPii = z.infer<typeof keepPiiSchema>;

/** A customer's crawl request, parsed once at the API edge. */
export const crawlRequestSchema = z
  .object({
    seed: webUrlSchema,
    maxPages: z.number().int().min(1).max(10_000_000).default(1000),
    maxDepth: z.number().int().min(0).max(1000).default(20),
    include: z.array(z.string().min(1).max(2000)).max(100).default([]),
    exclude: z.array(z.string().min(1).max(2000)).max(100).default([]),
    keepPii: keepPiiSchema.optional(),
  })
  .strict();

export type CrawlRequest = z.input<typeof crawlRequestSchema>;
export type CrawlOptions = z.output<typeof crawlRequestSchema>;
