#!/usr/bin/env node
// sward-node: the node daemon alone (`sward-node --coordinator URL`, `sward-node log`). Runs the compiled
// JavaScript in dist/; imported by the package's own name so tests with the "source" condition get src/.
let command;
try {
  command = await import('@sward/node/command');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  process.stderr.write(`sward-node: the compiled JavaScript is missing (${e.message}); run npm run build\n`);
  process.exit(1);
}
await command.runNodeCli(process.argv);
