/** Wire shapes of the customer API (packages/coordinator/src/api/customer-routes.ts). */
export interface CrawlRequest {
  seed: string;
  maxPages?: number;
  maxDepth?: number;
  include?: string[];
  exclude?: string[];
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
}

export interface JobInfo {
  id: string;
  seed: string;
  state: 'running' | 'done';
  stored: number;
  createdAt: number;
  finishedAt: number | null;
  options: Required<CrawlRequest>;
  progress?: JobProgress;
}

export interface PageRow {
  seq: number;
  captureId: string;
  url: string;
  finalUrl: string;
  fetchedAt: string;
  status: number;
  contentType: string | null;
  bodySha256: string;
  bodyLength: number;
  blobPath: string;
  nodeId: string;
  leafIndex: number | null;
  signedCapture: { capture: Record<string, unknown>; signature: string };
}

export interface SkipRow {
  id: number;
  url: string;
  state: 'skipped' | 'failed';
  reason: string;
  detail: string | null;
  captureId: string | null;
}

export interface CheckpointInfo {
  size: number;
  note: string;
  hash: string;
  createdAt: number;
  anchor: unknown;
}

export interface RowProof {
  captureId: string;
  record: { capture: Record<string, unknown>; signature: string };
  leafIndex: number;
  checkpoint: CheckpointInfo;
  inclusionProof: string[];
}

export interface DocumentRow {
  seq: number;
  captureId: string;
  leafIndex: number | null;
  /** The extractor's document: title, author, published, language, text, markdown, links, quality, pii… */
  document: Record<string, unknown> & { text: string; language: string | null; url: string | null };
}

export type {
  ApiKeyInfo,
  CollectionInfo,
  CollectionSearchAnswer,
  CollectionSearchRequest,
  CollectionSearchResult,
  CollectionWebhookPayload,
  CreateKeyRequest,
  Freshness,
  NewApiKey,
  RefreshStats,
  Role,
  Scope,
} from '@sward/core';

/** What one robots.txt answer decided for a job's URLs. */
export interface RobotsDecision {
  /** fetched, allow-all (4xx) or disallow-all (5xx, unreachable). */
  rule: string;
  allowed: number;
  disallowed: number;
  crawlDelayTooLong: number;
  /** Crawl-delay for SwardBot as written, in seconds; null when none applies. */
  crawlDelaySeconds: number | null;
}

/** What one tdmrep.json answer decided: its reservations and how many of the job's URLs they hit. */
export interface TdmRepDecision {
  reservations: { location: string; 'tdm-reservation': 0 | 1; 'tdm-policy'?: string }[];
  reserved: number;
  notReserved: number;
}

/** One policy document a job's decisions rest on: GET /v1/jobs/:id/compliance, compliance.json. */
export interface ComplianceDocument {
  kind: 'robots' | 'tdmrep';
  origin: string;
  url: string;
  /** The node-signed capture of the answer; null when no node got an HTTP answer (see `detail`). */
  captureId: string | null;
  leafIndex: number | null;
  status: number | null;
  bodySha256: string | null;
  fetchedAt: string;
  detail: string | null;
  decision: RobotsDecision | TdmRepDecision;
  signedCapture: { capture: Record<string, unknown>; signature: string } | null;
}

export interface JobCompliance {
  jobId: string;
  documents: ComplianceDocument[];
}
