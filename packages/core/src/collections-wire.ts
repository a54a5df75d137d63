/**
 * The live-collection shapes of the HTTP API, shared by the coordinator (which answers with them) and
 * the SDK (which reads them), so the two cannot drift apart. Times are epoch ms unless named ISO.
 */
import { z } from 'zod';
import { usdAmountSchema } from './crawl-wire.js';
import { webUrlSchema } from './web-url.js';

/** What one refresh did. */
export const refreshStatsSchema = z.object({
  /** Answers with a body (200), answers 304 Not Modified, and URLs that could not be fetched. */
  fetched: z.number().int(),
  notModified: z.number().int(),
  failed: z.number().int(),
  /** Pages the refresh added to, changed in, or removed from the index. */
  added: z.number().int(),
  changed: z.number().int(),
  removed: z.number().int(),
});
export type RefreshStats = z.output<typeof refreshStatsSchema>;

/** How fresh a collection is. */
export const freshnessSchema = z.object({
  /**
   * Time from a change on the source (its Last-Modified) to the change being searchable, over the
   * changes of the last week whose source gave a date: p50, p95 and max in ms, and how many were counted.
   */
  changeToSearchableMs: z
    .object({ p50: z.number(), p95: z.number(), max: z.number(), n: z.number().int() })
    .nullable(),
  /** Changes of the last week without a source date (removals, pages with no Last-Modified). */
  undatedChanges: z.number().int(),
  /** Time since the least recently confirmed page was last fetched or answered 304; null when empty. */
  oldestPageAgeMs: z.number().nullable(),
  lastRefresh: z
    .object({
      jobId: z.string(),
      startedAt: z.number(),
      finishedAt: z.number().nullable(),
      stats: refreshStatsSchema.nullable(),
      webhook: z.object({ state: z.string(), error: z.string().nullable() }).nullable(),
    })
    .nullable(),
  /** Named sources whose last answer was an error. */
  failedSources: z.array(z.object({ url: z.string(), error: z.string(), at: z.number().nullable() })),
  /** Pages the last finished refresh could not fetch (they stay indexed until they answer again or go). */
  failedPages: z.array(
    z.object({ url: z.string(), reason: z.string().nullable(), detail: z.string().nullable() }),
  ),
  /**
   * Pages of claimed domains the last finished refresh did not fetch for their price: `creator:price-above-max`
   * (no maxPrice, or one below the owner's price) or `creator:budget-exhausted` (docs/REWARDS.md).
   */
  unpaidPages: z.array(
    z.object({ url: z.string(), reason: z.string().nullable(), detail: z.string().nullable() }),
  ),
});
export type Freshness = z.output<typeof freshnessSchema>;

/**
 * What a collection may pay for its pages, and has paid, in USD decimals ("0.01"). Pages of claimed domains
 * with a price, and sites asking payment (HTTP 402), are fetched only within these.
 */
export const collectionSpendingSchema = z.object({
  /** The most one page may cost (the owner's price and the site's together); null: no page is paid for. */
  maxPrice: z.string().nullable(),
  /** The most all refreshes together may spend, a running total; null: no bound but maxPrice a page. */
  budget: z.string().nullable(),
  /** What its refreshes have spent so far, creators' prices and sites' charges together. */
  spent: z.string(),
});
export type CollectionSpending = z.output<typeof collectionSpendingSchema>;

/** A collection's price settings as its owner changes them: a field left out stays, null clears it. */
export const collectionPricingRequestSchema = z
  .object({
    maxPrice: usdAmountSchema.nullable().optional(),
    budget: usdAmountSchema.nullable().optional(),
  })
  .strict();
export type CollectionPricingRequest = z.input<typeof collectionPricingRequestSchema>;

/** One page of a claimed domain a collection's refresh paid for (GET /v1/collections/:id/charges). */
export const collectionChargeSchema = z.object({
  captureId: z.string(),
  url: z.string(),
  /** The refresh (crawl job) that fetched it. */
  jobId: z.string(),
  domain: z.string(),
  /** The version of the domain's terms the page was fetched under. */
  version: z.number().int(),
  /** USD decimals: the price, and its split among the creator, the capturing node's operator and the network. */
  price: z.string(),
  creator: z.string(),
  operator: z.string(),
  network: z.string(),
  at: z.string(),
});
export type CollectionCharge = z.output<typeof collectionChargeSchema>;

export const collectionChargesSchema = z.object({
  spending: collectionSpendingSchema,
  /** Newest first, at most 1,000. */
  charges: z.array(collectionChargeSchema),
});
export type CollectionCharges = z.output<typeof collectionChargesSchema>;

export const collectionInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  everyMs: z.number(),
  maxPages: z.number().int(),
  chunkSize: z.number().int(),
  chunkOverlap: z.number().int(),
  paused: z.boolean(),
  createdAt: z.number(),
  /** A refresh is fetching now. */
  refreshing: z.boolean(),
  nextRefreshAt: z.number().nullable(),
  webhook: z.object({ url: z.string() }).nullable(),
  spending: collectionSpendingSchema,
  /** Only in the answer to create: the secret of the webhook's HMAC signatures. */
  webhookSecret: z.string().optional(),
  sources: z.array(
    z.object({
      id: z.string(),
      url: z.string(),
      /** 'page', 'feed' or 'sitemap': guessed from the URL, confirmed by the first answer. */
      kind: z.string(),
      lastFetchedAt: z.number().nullable(),
      lastError: z.string().nullable(),
    }),
  ),
  pages: z.number().int(),
  chunks: z.number().int(),
  freshness: freshnessSchema,
});
export type CollectionInfo = z.output<typeof collectionInfoSchema>;

/** The chunk sizes a collection gets when its request names none, in characters. */
export const DEFAULT_CHUNK_SIZE = 1200;
export const DEFAULT_CHUNK_OVERLAP = 120;

/** POST /v1/collections. */
export const collectionRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    sources: z.array(webUrlSchema).min(1).max(1000),
    every: z.union([z.string(), z.number().int()]).default('5m'),
    maxPages: z.number().int().min(1).max(1_000_000).default(1000),
    chunkSize: z.number().int().min(100).max(20_000).default(DEFAULT_CHUNK_SIZE),
    chunkOverlap: z.number().int().min(0).max(5000).default(DEFAULT_CHUNK_OVERLAP),
    /** Where to POST what changed at each refresh, signed with HMAC-SHA256 (secret shown once). */
    webhook: z.string().max(2000).optional(),
    /** The most one page may cost, USD: without it, pages of claimed domains with a price are skipped. */
    maxPrice: usdAmountSchema.optional(),
    /** The most all refreshes together may spend, USD (a running total across refreshes). Needs maxPrice. */
    budget: usdAmountSchema.optional(),
  })
  .strict();
export type CollectionRequest = z.input<typeof collectionRequestSchema>;

/** POST /v1/collections/:id/search. */
export const collectionSearchRequestSchema = z
  .object({
    query: z.string().trim().min(1, 'give the words to search for').max(4000),
    /** Results wanted, 1–200 (default 10). */
    k: z.number().int().min(1).max(200).default(10),
    filters: z
      .object({
        /** This host or its subdomains. */
        domain: z.string().max(253).optional(),
        /** Fetched at or after (ISO 8601 or epoch ms). */
        since: z.union([z.string().max(64), z.number()]).optional(),
        /** ISO 639-1. */
        lang: z.string().min(2).max(8).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type CollectionSearchRequest = z.input<typeof collectionSearchRequestSchema>;

export const collectionSearchResultSchema = z.object({
  score: z.number(),
  text: z.string(),
  url: z.string(),
  headingPath: z.array(z.string()),
  /** When the capture these words come from was fetched (ISO 8601). */
  fetchedAt: z.string(),
  lang: z.string().nullable(),
  domain: z.string(),
  keywordRank: z.number().nullable(),
  vectorRank: z.number().nullable(),
  /** How to prove the words: the signed capture, its leaf in the log, a checkpoint that covers it. */
  provenance: z.object({
    captureId: z.string().nullable(),
    leafIndex: z.number().int().nullable(),
    /** Size of the latest checkpoint when it covers the leaf; null until one does (seconds, usually). */
    checkpointSize: z.number().int().nullable(),
    /** GET this (with the API key) for the record, checkpoint and inclusion proof. */
    proof: z.string().nullable(),
  }),
});
export type CollectionSearchResult = z.output<typeof collectionSearchResultSchema>;

export const collectionSearchAnswerSchema = z.object({
  /** 'hybrid' when an embedding provider is configured and answered; 'keyword' otherwise. */
  mode: z.enum(['keyword', 'hybrid']),
  results: z.array(collectionSearchResultSchema),
  /** Why the search fell back to keywords alone, when it did. */
  warning: z.string().optional(),
});
export type CollectionSearchAnswer = z.output<typeof collectionSearchAnswerSchema>;

/** The body of a `collection.refreshed` webhook (header `sward-signature`, see verifyWebhook). */
export interface CollectionWebhookPayload {
  event: 'collection.refreshed';
  collection: { id: string; name: string };
  refresh: { jobId: string; startedAt: string; finishedAt: string; stats: RefreshStats };
  changes: { url: string; change: 'added' | 'changed' | 'removed'; reason: string | null; at: string }[];
  /** More changes than one delivery lists (5,000) were left out. */
  truncated: boolean;
}
