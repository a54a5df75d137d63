export * from './compare-fetches.js';
export * from './config.js';
export * from './eligibility.js';
export * from './sample-keys.js';
export * from './spot-checks.js';
export * from './task.js';
export * from './text-similarity.js';
