export * from './anchor-verify.js';
export * from './canonical-json.js';
export * from './capture.js';
export * from './errors.js';
export * from './hash.js';
export * from './identity.js';
export * from './merkle/index.js';
export * from './url-normalize.js';
