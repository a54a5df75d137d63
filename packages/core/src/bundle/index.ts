export * from './anchor-chain-check.js';
export * from './bundle-format.js';
export * from './bundle-verifier.js';
