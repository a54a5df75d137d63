export * from './bundle-format.js';
export * from './bundle-verifier.js';
