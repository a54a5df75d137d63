#!/usr/bin/env node
// The sward command: runs the compiled JavaScript in dist/ (built by `npm install` through the root
// `prepare` script, or `npm run build`). Imported by the package's own name so the repository's tests,
// which run with the "source" export condition, get the TypeScript sources instead.
let cli;
try {
  cli = await import('@sward/cli');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  process.stderr.write(`sward: the compiled JavaScript is missing (${e.message}); run npm run build\n`);
  process.exit(1);
}
await cli.main(process.argv);
