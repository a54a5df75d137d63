// `node --import <this file>`: the hooks of ./hooks.mjs (TypeScript sources for the tests), and source maps on,
// so a stack trace names the .ts lines.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./hooks.mjs', import.meta.url);
// A worker thread runs none of this thread's hooks (Node 20): our packages' worker pools, run from sources,
// start theirs with this file (@sward/core's sourceWorkerUrl reads it here) instead of loading tsx as well.
globalThis[Symbol.for('sward.typescript-hooks')] = import.meta.url;
