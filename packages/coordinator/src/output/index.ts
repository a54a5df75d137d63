export * from './warc.js';
