export * from './robots-rules.js';
export * from './tdmrep-rules.js';
