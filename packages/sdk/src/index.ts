// Customers check webhook deliveries (the `sward-signature` header) with this.
export { type VerifyWebhookOptions, verifyWebhook } from '@sward/core';
export * from './client.js';
export * from './errors.js';
export * from './types.js';
export * from './verify-bundle.js';
export * from './verify-on-chain.js';
export * from './verify-report.js';
