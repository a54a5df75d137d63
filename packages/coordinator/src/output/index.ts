export * from './bundle-writer.js';
export * from './warc.js';
