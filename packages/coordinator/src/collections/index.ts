export * from './chunk-index.js';
export * from './chunker.js';
export * from './collections-schema.js';
export * from './feed-expand.js';
