// A worker thread that allocates objects surviving scavenges (a ring of 200,000 live ones) and posts the
// largest new space (young generation) it reached, in MiB. Given a SharedArrayBuffer as workerData, it first
// sets its int to 1 and wakes a waiter: from then on its isolate exists, with the flags it was created with.
const { workerData, parentPort } = require('node:worker_threads');
const v8 = require('node:v8');

if (workerData instanceof SharedArrayBuffer) {
  const started = new Int32Array(workerData);
  Atomics.store(started, 0, 1);
  Atomics.notify(started, 0);
}
const keep = new Array(200000);
let max = 0;
for (let i = 0; i < 3000000; i++) {
  keep[i % keep.length] = { i, s: `x${i}` };
  if (i % 10000 === 0)
    max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
parentPort.postMessage(max / 1048576);
