// `node --import <this file>`: the hooks of ./hooks.mjs (TypeScript sources for the tests), and source maps on,
// so a stack trace names the .ts lines.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./hooks.mjs', import.meta.url);
