export * from './bundle-writer.js';
export * from './document-filter.js';
export * from './warc.js';
