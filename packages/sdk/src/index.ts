// Customers check webhook deliveries (the `sward-signature` header) with this.
export {
  auditSpotCheckDraws,
  type SpotCheckEpoch,
  selectedForSpotCheck,
  type VerifyWebhookOptions,
  verifySpotCheckEpoch,
  verifyWebhook,
} from '@sward/core';
export * from './client.js';
export * from './dataset-download.js';
export * from './errors.js';
export * from './spot-check-audit.js';
export * from './types.js';
export * from './verify-bundle.js';
export { checkManifest, type ManifestFindings } from './verify-manifest.js';
export * from './verify-on-chain.js';
export * from './verify-report.js';
export type { RederiveDocuments, RederiveResult } from './verify-semantics.js';
