export * from './config.js';
export * from './eligibility.js';
export * from './sampler.js';
export * from './spot-checks.js';
export * from './task.js';
export * from './text-similarity.js';
