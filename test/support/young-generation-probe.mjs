// `node --import ./young-generation-probe.mjs …` into a command that ends with process.exit: just before it
// exits, a worker thread started then allocates objects that survive scavenges and reports the largest new
// space (young generation) it reached, in MiB, to the file named by SWARD_PROBE_OUT. V8 gives an isolate the
// flags in force when it is created, so this tells what young generation the process's worker threads (the
// coordinator's extraction threads) get: 32 MiB with V8's defaults, 2 with --optimize-for-size.
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const WORK = `
const v8 = require('node:v8');
const keep = new Array(200000);
let max = 0;
for (let i = 0; i < 3000000; i++) {
  keep[i % keep.length] = { i, s: 'x' + i };
  if (i % 10000 === 0)
    max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
require('node:worker_threads').parentPort.postMessage(max / 1048576);
`;

const out = process.env.SWARD_PROBE_OUT;
const exit = process.exit.bind(process);
process.exit = (code) => {
  const w = new Worker(WORK, { eval: true });
  w.once('message', (mib) => {
    writeFileSync(out, String(mib));
    exit(code);
  });
  w.once('error', (e) => {
    writeFileSync(out, `error: ${e.message}`);
    exit(code);
  });
};
