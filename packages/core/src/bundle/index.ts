export * from './anchor-chain-check.js';
export * from './anchor-order-check.js';
export * from './bundle-format.js';
export * from './bundle-manifest.js';
export * from './bundle-rows.js';
export * from './bundle-verifier.js';
export * from './skip-evidence-check.js';
