import { z } from 'zod';
import { USAGE_PURPOSES, type UsagePurpose } from './usage-policy/purpose.js';
import { webUrlSchema } from './web-url.js';

/** A customer's crawl request, parsed once at the API edge. */
export const crawlRequestSchema = z
  .object({
    seed: webUrlSchema,
    maxPages: z.number().int().min(1).max(10_000_000).default(1000),
    maxDepth: z.number().int().min(0).max(1000).default(20),
    include: z.array(z.string().min(1).max(2000)).max(100).default([]),
    exclude: z.array(z.string().min(1).max(2000)).max(100).default([]),
    /**
     * What the pages are for (docs/PUBLISHERS.md): `train` (datasets, the default), `input` (live collections,
     * RAG), `index` (a search index; `search` is accepted as its alias). Publishers' signals are honoured for it.
     * Absent means `train` (jobPurpose), so jobs stored before purposes existed read as they were run.
     */
    purpose: z
      .enum([...USAGE_PURPOSES, 'search'])
      .transform((p): UsagePurpose => (p === 'search' ? 'index' : p))
      .optional(),
  })
  .strict();

export type CrawlRequest = z.input<typeof crawlRequestSchema>;
export type CrawlOptions = z.output<typeof crawlRequestSchema>;

/** The purpose a job's pages are decided for: a live collection's are `input`, a crawl's its own or `train`. */
export function jobPurpose(
  options: Pick<CrawlOptions, 'purpose'>,
  collectionId: string | null,
): UsagePurpose {
  return collectionId !== null ? 'input' : (options.purpose ?? 'train');
}
