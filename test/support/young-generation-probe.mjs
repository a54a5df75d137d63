// `node --import ./young-generation-probe.mjs …` into a command that ends with process.exit: just before it
// exits, a worker thread started then allocates objects that survive scavenges and reports the largest new
// space (young generation) it reached, in MiB, to the file named by SWARD_PROBE_OUT. V8 gives an isolate the
// flags in force when it is created, so this tells what young generation the process's worker threads (the
// coordinator's extraction threads) get: 32 MiB with V8's defaults, 2 with --optimize-for-size.
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./young-generation-worker.cjs', import.meta.url);

const out = process.env.SWARD_PROBE_OUT;
const exit = process.exit.bind(process);
process.exit = (code) => {
  const w = new Worker(WORKER);
  w.once('message', (mib) => {
    writeFileSync(out, String(mib));
    exit(code);
  });
  w.once('error', (e) => {
    writeFileSync(out, `error: ${e.message}`);
    exit(code);
  });
};
