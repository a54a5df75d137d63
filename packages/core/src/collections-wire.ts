/**
 * The live-collection shapes of the HTTP API, shared by the coordinator (which answers with them) and
 * the SDK (which reads them), so the two cannot drift apart. Times are epoch ms unless named ISO.
 */

/** What one refresh did. */
export interface RefreshStats {
  /** Answers with a body (200), answers 304 Not Modified, and URLs that could not be fetched. */
  fetched: number;
  notModified: number;
  failed: number;
  /** Pages the refresh added to, changed in, or removed from the index. */
  added: number;
  changed: number;
  removed: number;
}

/** How fresh a collection is. */
export interface Freshness {
  /**
   * Time from a change on the source (its Last-Modified) to the change being searchable, over the
   * changes of the last week whose source gave a date: p50, p95 and max in ms, and how many were counted.
   */
  changeToSearchableMs: { p50: number; p95: number; max: number; n: number } | null;
  /** Changes of the last week without a source date (removals, pages with no Last-Modified). */
  undatedChanges: number;
  /** Time since the least recently confirmed page was last fetched or answered 304; null when empty. */
  oldestPageAgeMs: number | null;
  lastRefresh: {
    jobId: string;
    startedAt: number;
    finishedAt: number | null;
    stats: RefreshStats | null;
    webhook: { state: string; error: string | null } | null;
  } | null;
  /** Named sources whose last answer was an error. */
  failedSources: { url: string; error: string; at: number | null }[];
  /** Pages the last finished refresh could not fetch (they stay indexed until they answer again or go). */
  failedPages: { url: string; reason: string | null; detail: string | null }[];
  /**
   * Pages of claimed domains the last finished refresh did not fetch for their price: `creator:price-above-max`
   * (no maxPrice, or one below the owner's price) or `creator:budget-exhausted` (docs/REWARDS.md).
   */
  unpaidPages: { url: string; reason: string | null; detail: string | null }[];
}

/**
 * What a collection may pay for its pages, and has paid, in USD decimals ("0.01"). Pages of claimed domains
 * with a price, and sites asking payment (HTTP 402), are fetched only within these.
 */
export interface CollectionSpending {
  /** The most one page may cost (the owner's price and the site's together); null: no page is paid for. */
  maxPrice: string | null;
  /** The most all refreshes together may spend, a running total; null: no bound but maxPrice a page. */
  budget: string | null;
  /** What its refreshes have spent so far, creators' prices and sites' charges together. */
  spent: string;
}

/** A collection's price settings as its owner changes them: a field left out stays, null clears it. */
export interface CollectionPricingRequest {
  maxPrice?: string | null;
  budget?: string | null;
}

/** One page of a claimed domain a collection's refresh paid for (GET /v1/collections/:id/charges). */
export interface CollectionCharge {
  captureId: string;
  url: string;
  /** The refresh (crawl job) that fetched it. */
  jobId: string;
  domain: string;
  /** The version of the domain's terms the page was fetched under. */
  version: number;
  /** USD decimals: the price, and its split among the creator, the capturing node's operator and the network. */
  price: string;
  creator: string;
  operator: string;
  network: string;
  at: string;
}

export interface CollectionCharges {
  spending: CollectionSpending;
  /** Newest first, at most 1,000. */
  charges: CollectionCharge[];
}

export interface CollectionInfo {
  id: string;
  name: string;
  everyMs: number;
  maxPages: number;
  chunkSize: number;
  chunkOverlap: number;
  paused: boolean;
  createdAt: number;
  /** A refresh is fetching now. */
  refreshing: boolean;
  nextRefreshAt: number | null;
  webhook: { url: string } | null;
  spending: CollectionSpending;
  /** Only in the answer to create: the secret of the webhook's HMAC signatures. */
  webhookSecret?: string;
  sources: {
    id: string;
    url: string;
    /** 'page', 'feed' or 'sitemap': guessed from the URL, confirmed by the first answer. */
    kind: string;
    lastFetchedAt: number | null;
    lastError: string | null;
  }[];
  pages: number;
  chunks: number;
  freshness: Freshness;
}

export interface CollectionSearchRequest {
  query: string;
  /** Results wanted, 1–200 (default 10). */
  k?: number;
  filters?: {
    /** This host or its subdomains. */
    domain?: string;
    /** Fetched at or after (ISO 8601 or epoch ms). */
    since?: string | number;
    /** ISO 639-1. */
    lang?: string;
  };
}

export interface CollectionSearchResult {
  score: number;
  text: string;
  url: string;
  headingPath: string[];
  /** When the capture these words come from was fetched (ISO 8601). */
  fetchedAt: string;
  lang: string | null;
  domain: string;
  keywordRank: number | null;
  vectorRank: number | null;
  /** How to prove the words: the signed capture, its leaf in the log, a checkpoint that covers it. */
  provenance: {
    captureId: string | null;
    leafIndex: number | null;
    /** Size of the latest checkpoint when it covers the leaf; null until one does (seconds, usually). */
    checkpointSize: number | null;
    /** GET this (with the API key) for the record, checkpoint and inclusion proof. */
    proof: string | null;
  };
}

export interface CollectionSearchAnswer {
  /** 'hybrid' when an embedding provider is configured and answered; 'keyword' otherwise. */
  mode: 'keyword' | 'hybrid';
  results: CollectionSearchResult[];
  /** Why the search fell back to keywords alone, when it did. */
  warning?: string;
}

/** The body of a `collection.refreshed` webhook (header `sward-signature`, see verifyWebhook). */
export interface CollectionWebhookPayload {
  event: 'collection.refreshed';
  collection: { id: string; name: string };
  refresh: { jobId: string; startedAt: string; finishedAt: string; stats: RefreshStats };
  changes: { url: string; change: 'added' | 'changed' | 'removed'; reason: string | null; at: string }[];
  /** More changes than one delivery lists (5,000) were left out. */
  truncated: boolean;
}
