/**
 * Wire shapes of the HTTP API, as the SDK's calls take and answer them: core's, inferred from the API
 * contract's zod schemas (packages/core/src/contract/), so the client's types are the server's.
 */
import type { ApiAnswer } from '@sward/core';

export type {
  ApiAnswer,
  ApiBody,
  ApiErrorCode,
  ApiKeyInfo,
  AuditEntry,
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
  CrawlRequest,
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
  JobInfo,
  JobProgress,
  NewApiKey,
  PageRow,
  PublicDomainTerms,
  RefreshStats,
  RobotsDecision,
  Role,
  RowProof,
  Scope,
  ScrapeAnswer,
  ScrapeRequest,
  SkipEvidence,
  SkipRow,
  TakedownInfo,
  TdmRepDecision,
} from '@sward/core';

/** A document of GET /v1/jobs/:id/documents. */
export type DocumentRow = ApiAnswer<'GET /v1/jobs/:id/documents'>['documents'][number];
