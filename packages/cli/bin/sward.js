#!/usr/bin/env node
// The sward command: runs the bundle in dist/bundle/ (built by `npm install` through the root `prepare`
// script, or `npm run build`). Imported by the package's own name so the repository's tests, which run
// with the "source" export condition, get the TypeScript sources instead.
// --debug prints stack traces: with the bundle's source maps on, they name the TypeScript sources. Maps
// are read only for modules loaded after this call, and reading them costs time, hence only then.
import { setFlagsFromString } from 'node:v8';

if (process.argv.includes('--debug') || process.env.SWARD_DEBUG === '1') process.setSourceMapsEnabled(true);
// `sward node` (the daemon, or its log) runs the node package's own bundle, as `sward-node` does: loading the
// CLI's would keep every command's definitions and the CLI's shared zod chunk (every locale) in the node's
// memory for as long as it runs, ~3 MiB of anonymous memory per node (docs/BENCHMARKS.md, session 16).
// `sward node status` and any help (which lists `status`) go through the CLI.
const [, , command, sub] = process.argv;
const nodeDaemon =
  command === 'node' &&
  sub !== 'status' &&
  sub !== 'help' &&
  !process.argv.some((a) => a === '--help' || a === '-h' || a === '--debug');
// `sward coordinator` runs with V8's --optimize-for-size, set before anything loads: V8 then keeps its heaps
// near what they hold (young generations of 1 MiB semi-spaces instead of 16 MiB ones, old generations
// collected sooner). In the crawl bench the coordinator's peak RSS fell from ~225 to ~165-180 MiB, most of it
// the extraction thread's young generation (32 -> 2 MiB) and the main thread's (32 -> 1-16), for more CPU on
// its other threads (docs/BENCHMARKS.md, session 17, rss). An isolate takes the flags in force when it is
// created, so worker threads started later get it whole. `node --no-optimize-for-size …/sward.js coordinator`
// keeps V8's defaults (an operator's own choice of the flag, either way, is left alone).
// The extraction threads get their own young generation back (the coordinator's worker-young-generation.ts,
// which this mark tells that the flag is the bin's): their CPU a page doubled with 1 MiB semi-spaces.
if (command === 'coordinator' && !process.execArgv.some((a) => /^--(no-)?optimize[-_]for[-_]size$/.test(a))) {
  setFlagsFromString('--optimize-for-size');
  globalThis[Symbol.for('sward.v8.optimizeForSize')] = true;
}
let run;
try {
  if (nodeDaemon) {
    const { runNodeCli } = await import('@sward/node/bin');
    run = () => runNodeCli([process.argv[0], process.argv[1], ...process.argv.slice(3)], 'sward node');
  } else {
    const cli = await import('@sward/cli/bin');
    run = () => cli.main(process.argv);
  }
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  process.stderr.write(`sward: the compiled JavaScript is missing (${e.message}); run npm run build\n`);
  process.exit(1);
}
await run();
