import { z } from 'zod';
import { webUrlSchema } from './web-url.js';

/** A customer's crawl request, parsed once at the API edge. */
export const crawlRequestSchema = z
  .object({
    seed: webUrlSchema,
    maxPages: z.number().int().min(1).max(10_000_000).default(1000),
    maxDepth: z.number().int().min(0).max(1000).default(20),
    include: z.array(z.string().min(1).max(2000)).max(100).default([]),
    exclude: z.array(z.string().min(1).max(2000)).max(100).default([]),
  })
  .strict();

export type CrawlRequest = z.input<typeof crawlRequestSchema>;
export type CrawlOptions = z.output<typeof crawlRequestSchema>;
