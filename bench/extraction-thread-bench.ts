// CPU per page and peak RSS of the coordinator's extraction thread (extraction-worker.ts, started as the pool
// starts it) under V8 flag settings that are process-wide, so one setting a process:
//   node --import tsx bench/extraction-thread-bench.ts MODE [--pages 2000] [--rounds 3] [--young MB]
// MODE: default (V8's defaults), size (--optimize-for-size set at run time, as `sward coordinator` does),
// size-young (the same, and the thread's young generation sized by --young through resourceLimits).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { sourceWorkerUrl } from '@sward/core';
import {
  OPTIMIZE_FOR_SIZE_MARK,
  startWithOwnYoungGeneration,
} from '../packages/coordinator/src/ingest/worker-young-generation.js';
import { fetchSamplePages } from './support-sample-pages.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? (process.argv[i + 1] ?? d) : d;
};
const MODE = process.argv[2] ?? 'default';
const PAGES = Number(arg('pages', '2000'));
const ROUNDS = Number(arg('rounds', '3'));
const YOUNG = Number(arg('young', '96'));

if (MODE !== 'default') setFlagsFromString('--optimize-for-size');

const dir = mkdtempSync(join(tmpdir(), 'xthread-'));
// stored as the blob store holds bodies: the thread reads each page's body from its file
const items = (await fetchSamplePages(PAGES)).map(({ url, body, type }, i) => {
  const bodyPath = join(dir, String(i));
  writeFileSync(bodyPath, body);
  const signed = JSON.stringify({ capture: { finalUrl: url, headers: { 'content-type': type } } });
  return { bodyPath, signed, redactPii: 'all' as const };
});

const entry = new URL('../packages/coordinator/src/ingest/extraction-worker.ts', import.meta.url);
// size-young: the bin's mark, so the pool's own helper opens the window (worker-young-generation.ts)
if (MODE === 'size-young') (globalThis as Record<symbol, unknown>)[OPTIMIZE_FOR_SIZE_MARK] = true;
const w = startWithOwnYoungGeneration(
  () => new Worker(sourceWorkerUrl(entry), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG } }),
);
let pending: ((m: unknown) => void) | null = null;
w.on('message', (m) => pending?.(m));
await new Promise((r) => {
  pending = r;
});
const ask = (batch: typeof items) =>
  new Promise((r) => {
    pending = r;
    w.postMessage({ id: 1, items: batch });
  });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
const perPage: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const c0 = cpuMs();
  for (let i = 0; i < items.length; i += 16) await ask(items.slice(i, i + 16));
  perPage.push((cpuMs() - c0) / items.length);
}
await w.terminate();
rmSync(dir, { recursive: true, force: true });
const warm = perPage.slice(1).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    mode: MODE,
    young: YOUNG,
    pages: items.length,
    cpuMsPerPage: perPage.map((v) => +v.toFixed(3)),
    warmMedian: +(warm[Math.floor(warm.length / 2)] as number).toFixed(3),
    peakRssMiB: Math.round(hwm()),
  }),
);
