export * from './canonical-json.js';
export * from './capture.js';
export * from './errors.js';
export * from './hash.js';
export * from './identity.js';
