import { z } from 'zod';
import { anchorRefSchema, fileAnchorEntrySchema } from '../anchor-verify.js';
import {
  collectionInfoSchema,
  collectionSearchResultSchema,
  freshnessSchema,
  refreshStatsSchema,
} from '../collections-wire.js';
import { complianceDocumentSchema } from '../compliance-wire.js';
import { creatorClaimInfoSchema } from '../creator-wire.js';
import {
  documentRowSchema,
  jobInfoSchema,
  jobProgressSchema,
  jobWaitSchema,
  pageRowSchema,
  pageUsageSchema,
  skipEvidenceSchema,
  skipRowSchema,
} from '../job-wire.js';
import { apiKeyInfoSchema, newApiKeySchema } from '../keys-wire.js';
import { labellingProjectInfoSchema } from '../labelling-wire.js';
import { leaseSchema } from '../node-protocol-wire.js';
import { operatorFetchSchema, referralNodeSchema } from '../operator-views-wire.js';
import { checkpointInfoSchema, rowProofSchema, signedRecordSchema } from '../proof-wire.js';
import { epochRowSchema, epochStatusSchema, flagSchema, operatorStatusSchema } from '../rewards-wire.js';
import { spotCheckEpochSchema } from '../spot-check-selection.js';
import { takedownInfoSchema } from '../takedown.js';
import { apiErrorSchema } from './errors.js';

/**
 * The schemas the OpenAPI document names (components.schemas) instead of repeating them in every
 * operation. Naming one here changes only the document's shape, never what is valid.
 */
export const NAMED_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  Error: apiErrorSchema,
  AnchorRef: anchorRefSchema,
  FileAnchorEntry: fileAnchorEntrySchema,
  CheckpointInfo: checkpointInfoSchema,
  SignedRecord: signedRecordSchema,
  RowProof: rowProofSchema,
  SpotCheckEpoch: spotCheckEpochSchema,
  Lease: leaseSchema,
  JobInfo: jobInfoSchema,
  JobProgress: jobProgressSchema,
  JobWait: jobWaitSchema,
  PageUsage: pageUsageSchema,
  PageRow: pageRowSchema,
  DocumentRow: documentRowSchema,
  SkipEvidence: skipEvidenceSchema,
  SkipRow: skipRowSchema,
  ComplianceDocument: complianceDocumentSchema,
  CollectionInfo: collectionInfoSchema,
  Freshness: freshnessSchema,
  RefreshStats: refreshStatsSchema,
  CollectionSearchResult: collectionSearchResultSchema,
  ApiKeyInfo: apiKeyInfoSchema,
  NewApiKey: newApiKeySchema,
  TakedownInfo: takedownInfoSchema,
  CreatorClaimInfo: creatorClaimInfoSchema,
  LabellingProjectInfo: labellingProjectInfoSchema,
  Flag: flagSchema,
  EpochRow: epochRowSchema,
  EpochStatus: epochStatusSchema,
  OperatorStatus: operatorStatusSchema,
  OperatorFetch: operatorFetchSchema,
  ReferralNode: referralNodeSchema,
};

/** The registry the document is rendered with: each named schema by its name. */
export function namedSchemaRegistry() {
  const reg = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(NAMED_SCHEMAS)) reg.add(s, { id });
  return reg;
}
