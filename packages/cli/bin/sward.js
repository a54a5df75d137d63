#!/usr/bin/env node
// The sward command: runs the bundle in dist/bundle/ (built by `npm install` through the root `prepare`
// script, or `npm run build`). Imported by the package's own name so the repository's tests, which run
// with the "source" export condition, get the TypeScript sources instead.
// --debug prints stack traces: with the bundle's source maps on, they name the TypeScript sources. Maps
// are read only for modules loaded after this call, and reading them costs time, hence only then.
if (process.argv.includes('--debug') || process.env.SWARD_DEBUG === '1') process.setSourceMapsEnabled(true);
// `sward node`: V8's lean flags (packages/node/src/lean-runtime.ts) before the CLI's own modules load, whose
// start-up alone doubled the young generation the node keeps (2 to 4 MiB); the command sets them again.
if (process.argv[2] === 'node') (await import('@sward/node/lean-runtime')).useLeanRuntime();
let cli;
try {
  cli = await import('@sward/cli/bin');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  process.stderr.write(`sward: the compiled JavaScript is missing (${e.message}); run npm run build\n`);
  process.exit(1);
}
await cli.main(process.argv);
