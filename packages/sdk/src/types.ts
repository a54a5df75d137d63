import type { PageListing, SkipEvidence } from '@sward/core';
/** Wire shapes of the customer API (packages/coordinator/src/api/customer-routes.ts). */
export interface CrawlRequest {
  seed: string;
  maxPages?: number;
  maxDepth?: number;
  include?: string[];
  exclude?: string[];
  /**
   * What the pages are for: `train` (the default), `input` (live collections, RAG) or `index` (`search`).
   * Publishers' preferences are honoured for it (docs/PUBLISHERS.md).
   */
  purpose?: 'train' | 'input' | 'index' | 'search';
  /** Pay-per-crawl: the most one page may cost, USD as a decimal string ("0.01"). */
  maxPrice?: string;
  /** Pay-per-crawl: the most the job spends in all, USD ("1.00"); needs maxPrice. */
  budget?: string;
  /** RSL licence tokens, sent as `Authorization: License <token>` to their origin only; never shown back. */
  licenseTokens?: { origin: string; token: string }[];
}

export interface JobProgress {
  queued: number;
  leased: number;
  stored: number;
  skipped: number;
  failed: number;
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  pagesByNode: Record<string, number>;
  /** Stored pages whose document is still being made (absent from older coordinators). */
  documentsPending?: number;
}

export interface JobInfo {
  id: string;
  seed: string;
  state: 'running' | 'done';
  stored: number;
  createdAt: number;
  /** Done: every page answered and every stored page's document made (epoch ms). */
  finishedAt: number | null;
  /** Every page answered; documents may still be in the making (absent from older coordinators). */
  capturedAt?: number | null;
  /** `purpose` is absent for a job made before purposes (it ran as `train`). */
  options: Required<Omit<CrawlRequest, 'purpose' | 'maxPrice' | 'budget' | 'licenseTokens'>> &
    Pick<CrawlRequest, 'maxPrice' | 'budget'> & { purpose?: 'train' | 'input' | 'index' };
  progress?: JobProgress;
  /** Pay-per-crawl jobs: USD charged so far, held for leases out now, and the budget (null: none). */
  spend?: { spent: string; held: string; budget: string | null };
}

/** A stored page as the API lists it (core's PageListing, the bundle writer's input), with its order key. */
export interface PageRow extends Omit<PageListing, 'signedCapture'> {
  seq: number;
  signedCapture: { capture: Record<string, unknown>; signature: string };
}

export interface SkipRow {
  id: number;
  url: string;
  state: 'skipped' | 'failed';
  reason: string;
  detail: string | null;
  captureId: string | null;
  /** What the reason rests on: the page's signed capture, a policy answer in compliance.json, or none. */
  evidence: SkipEvidence;
}

export interface DocumentRow {
  seq: number;
  captureId: string;
  leafIndex: number | null;
  /** The body the document was extracted from, by its signed hash. */
  bodySha256: string;
  /** The extractor's document: title, author, published, language, text, markdown, links, quality, pii… */
  document: Record<string, unknown> & { text: string; language: string | null; url: string | null };
}

export type {
  ApiKeyInfo,
  CheckpointInfo,
  CollectionCharge,
  CollectionCharges,
  CollectionInfo,
  CollectionPricingRequest,
  CollectionSearchAnswer,
  CollectionSearchRequest,
  CollectionSearchResult,
  CollectionSpending,
  CollectionWebhookPayload,
  ComplianceDocument,
  CreateKeyRequest,
  CreateTakedownRequest,
  CreatorClaimInfo,
  CreatorPurpose,
  CreatorStatement,
  CreatorStatementLine,
  CreatorTerms,
  CreatorTermsRequest,
  Freshness,
  JobCompliance,
  NewApiKey,
  PublicDomainTerms,
  RefreshStats,
  RobotsDecision,
  Role,
  RowProof,
  Scope,
  ScrapeAnswer,
  ScrapeRequest,
  SkipEvidence,
  TakedownInfo,
  TdmRepDecision,
} from '@sward/core';

/** One admin action in the audit log (GET /v1/audit). */
export interface AuditEntry {
  id: number;
  at: string;
  /** The API key id that acted, or `local:<user>` for the CLI on the database. */
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
}
