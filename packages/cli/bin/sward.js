#!/usr/bin/env node
// The sward command: runs the bundle in dist/bundle/ (built by `npm install` through the root `prepare`
// script, or `npm run build`). Imported by the package's own name so the repository's tests, which run
// with the "source" export condition, get the TypeScript sources instead.
// --debug prints stack traces: with the bundle's source maps on, they name the TypeScript sources. Maps
// are read only for modules loaded after this call, and reading them costs time, hence only then.
if (process.argv.includes('--debug') || process.env.SWARD_DEBUG === '1') process.setSourceMapsEnabled(true);
let cli;
try {
  cli = await import('@sward/cli/bin');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  process.stderr.write(`sward: the compiled JavaScript is missing (${e.message}); run npm run build\n`);
  process.exit(1);
}
await cli.main(process.argv);
