#!/usr/bin/env node
// sward-node: the node daemon alone (`sward-node --coordinator URL`, `sward-node log`). Runs the bundle in
// dist/bundle/; imported by the package's own name so tests with the "source" condition get src/.
// SWARD_DEBUG=1: stack traces through the bundle's source maps name the TypeScript sources.
if (process.env.SWARD_DEBUG === '1') process.setSourceMapsEnabled(true);
let command;
try {
  command = await import('@sward/node/bin');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  process.stderr.write(`sward-node: the compiled JavaScript is missing (${e.message}); run npm run build\n`);
  process.exit(1);
}
await command.runNodeCli(process.argv);
