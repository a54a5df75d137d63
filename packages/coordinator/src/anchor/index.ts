export * from './anchor.js';
export * from './anchor-error.js';
export * from './file-anchor.js';
export * from './open-anchor.js';
