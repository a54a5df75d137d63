// A dataset build on the coordinator, end to end over N stored pages (default 100k): captures signed by a
// node key with all-allow rights receipts, bodies in the blob store and documents put straight into the store
// (extraction is not measured), sequenced into the log by the coordinator's own sequencer. Then, in the same
// run: the build (Parquet + proof bundle + card, through the HTTP API), the same rows read from the store and
// written as JSONL (the baseline), `sward verify` of the built folder, and the build's valuation report beside
// the built-in reference (GET /v1/datasets/:id/report, streamed over the shards). Peak RSS is sampled throughout.
// Run: node --import tsx bench/dataset-build-bench.ts [rows] [shardMB]
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore, startCoordinator } from '@sward/coordinator';
import {
  captureIdOf,
  captureLeafBytes,
  generateIdentity,
  RIGHTS_RECEIPT_VERSION,
  sha256Hex,
} from '@sward/core';
import { type QualitySignals, qualitySignals } from '@sward/extract';
import { SwardClient, verifyBundleDir } from '@sward/sdk';
import { pino } from 'pino';
import { documentsOf, pagesInLogOrder } from '../packages/coordinator/src/datasets/dataset-pages.js';
import { captureUpload } from '../test/support/capture-maker.js';
import { formatSummary, startProfiler, summarise } from './support-cpuprofile.js';

const n = Number(process.argv[2] ?? 100_000);
const shardMb = Number(process.argv[3] ?? 256);
const tmp = mkdtempSync(join(tmpdir(), 'sward-dsb-'));
let peak = 0;
/** Largest live heap seen: heapUsed right after a full GC, forced once a second (needs --expose-gc). */
let liveHeap = 0;
let ticks = 0;
/** The live heap samples of the current phase, one a second: whether it climbs through the phase. */
let liveSeries: number[] = [];
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
  if (++ticks % 40 === 0 && global.gc) {
    global.gc();
    const used = process.memoryUsage().heapUsed;
    liveSeries.push(used);
    liveHeap = Math.max(liveHeap, used);
  }
};
/** The largest live heap in each quarter of a phase, MB: flat if nothing is held per row. */
const quarters = (series: readonly number[]) =>
  [0, 1, 2, 3]
    .map((q) => series.slice(Math.floor((q * series.length) / 4), Math.floor(((q + 1) * series.length) / 4)))
    .map((part) => (part.length ? (Math.max(...part) / 1e6).toFixed(1) : '-'))
    .join(' / ');
const sampler = setInterval(sample, 25);
const phase = async <T>(
  run: () => Promise<T>,
): Promise<{
  s: number;
  value: T;
  peakMb: number;
  startMb: number;
  liveMb: number;
  liveStartMb: number;
  liveQuarters: string;
}> => {
  global.gc?.();
  peak = process.memoryUsage().rss;
  liveHeap = process.memoryUsage().heapUsed;
  const liveStartMb = liveHeap / 1e6;
  liveSeries = [];
  const startMb = peak / 1e6;
  const t0 = process.hrtime.bigint();
  const value = await run();
  sample();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    s,
    value,
    peakMb: peak / 1e6,
    startMb,
    liveMb: liveHeap / 1e6,
    liveStartMb,
    liveQuarters: quarters(liveSeries),
  };
};

const c = await startCoordinator({
  db: join(tmp, 'db.sqlite'),
  dataDir: join(tmp, 'data'),
  log: pino({ level: 'warn' }),
  extractionThreads: 0,
  collections: { refresh: false },
});
const blobs = new BlobStore(join(tmp, 'data', 'blobs'));
const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
const job = await client.createCrawl({ seed: 'https://bench.example/', maxPages: 1 });
await c.store.db.run(`UPDATE jobs SET state = 'done' WHERE id = ?`, [job.id]);
await c.store.db.run(`DELETE FROM urls WHERE job_id = ?`, [job.id]);
const node = generateIdentity();
const words =
  'the quick brown fox jumps over lazy dogs while a crawler reads public pages for training data'.split(' ');
const allow = { decision: 'allow', reason: 'no-signal' } as const;
const receipt = {
  v: RIGHTS_RECEIPT_VERSION,
  purpose: 'train',
  documents: [],
  decisions: { train: allow, input: allow, index: allow },
};

/** The quality signals extraction would store; texts differ only in the words' rotation and the number. */
const signals = new Map<number, QualitySignals>();
const signalsOf = (i: number, text: string) => {
  const k = (i * 7) % words.length;
  if (!signals.has(k)) signals.set(k, qualitySignals({ text, language: 'en' }));
  return signals.get(k);
};

const setup = await phase(async () => {
  const BATCH = 1000;
  for (let start = 0; start < n; start += BATCH) {
    const rows: (string | number)[][] = [];
    const docs: (string | number)[][] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      let text = '';
      for (let w = 0; text.length < 2000; w++) text += `${words[(i * 7 + w * 13) % words.length]} `;
      text += String(i);
      const body = Buffer.from(
        `<html><head><title>Page ${i}</title></head><body><p>${text}</p></body></html>`,
      );
      const url = `https://site${i % 50}.example/page/${i}`;
      const up = captureUpload(node, { leaseId: `l_${i}`, jobId: job.id, url }, { body });
      const { body: _b, ...sc } = up as typeof up & Record<string, unknown>;
      await blobs.put(sha256Hex(body), body);
      const id = captureIdOf(sc as never);
      const leaf = captureLeafBytes(Object.assign({}, sc, { rights: receipt }) as never).toString('utf8');
      rows.push([
        id,
        job.id,
        i,
        node.id,
        `l_${i}`,
        url,
        url,
        200,
        'text/html',
        sha256Hex(body),
        body.length,
        Date.now(),
        leaf,
        'stored',
        Date.now(),
      ]);
      docs.push([
        id,
        job.id,
        JSON.stringify({
          url,
          title: `Page ${i}`,
          text,
          markdown: `# Page ${i}\n\n${text}`,
          language: 'en',
          quality: signalsOf(i, text),
        }),
        Date.now(),
      ]);
    }
    await c.store.db.transaction(async (tx) => {
      for (const r of rows)
        await tx.run(
          `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, content_type,
             body_sha256, body_length, fetched_at, signed, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          r,
        );
      for (const d of docs)
        await tx.run('INSERT INTO documents (capture_id, job_id, doc, created_at) VALUES (?, ?, ?, ?)', d);
    });
  }
  await c.flushLog();
});
console.log(`setup: ${n} signed captures, bodies, documents, sequenced in ${setup.s.toFixed(1)} s`);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const profiler = process.argv.includes('--profile') ? await startProfiler() : null;
const build = await phase(async () => {
  const b = await client.createDatasetBuild({
    from: { jobs: [job.id] },
    shardBytes: shardMb * 1024 * 1024,
    dedup: 1,
  });
  return client.waitForDatasetBuild(b.id, undefined, 500);
});
if (profiler) console.log(formatSummary(summarise(await profiler.stop()), 'build'));
const dir = join(tmp, 'data', 'datasets', build.value.id);
const parquetBytes = build.value.report?.parquetBytes ?? 0;

const jsonl = await phase(async () => {
  const out = createWriteStream(join(tmp, 'rows.jsonl'));
  let bytes = 0;
  for await (const batch of pagesInLogOrder(
    { store: c.store, blobs: blobs, logStore: c.logStore, checkpoints: null as never },
    [job.id],
    500,
  )) {
    const docs = await documentsOf(
      c.store.db,
      batch.map((p) => p.captureId),
    );
    for (const p of batch) {
      const d = docs.get(p.captureId) ?? {};
      const line = `${JSON.stringify({ text: d.text, markdown: d.markdown, url: p.url, title: d.title, language: d.language, fetched_at: p.fetchedAt, capture_id: p.captureId, leaf_index: p.leafIndex })}\n`;
      bytes += Buffer.byteLength(line);
      if (!out.write(line)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return bytes;
});
const verify = await phase(() => verifyBundleDir(dir, [], { workers: 0 }));
const report = await phase(() => client.datasetReport(build.value.id, { reference: 'builtin' }));
const rowsMb = jsonl.value / 1e6;
console.log(`load average ${load()}`);
console.log(
  `build   ${build.value.report?.rows} rows, ${build.value.report?.shards} shard(s), ${(parquetBytes / 1e6).toFixed(0)} MB Parquet (+ pages.jsonl ${(statSync(join(dir, 'pages.jsonl')).size / 1e6).toFixed(0)} MB, bodies.pack ${(statSync(join(dir, 'bodies.pack')).size / 1e6).toFixed(0)} MB): ${build.s.toFixed(1)} s = ${Math.round(n / build.s)} rows/s, ${(rowsMb / build.s).toFixed(1)} MB/s of rows (as JSONL); peak RSS ${build.peakMb.toFixed(0)} MB (${build.startMb.toFixed(0)} MB at its start), live heap after GC ${build.liveStartMb.toFixed(1)} MB at its start, at most ${build.liveMb.toFixed(1)} MB (max by quarter of the build: ${build.liveQuarters} MB)`,
);
console.log(
  `jsonl   the same rows from the store as JSONL (${rowsMb.toFixed(0)} MB): ${jsonl.s.toFixed(1)} s = ${Math.round(n / jsonl.s)} rows/s, ${(rowsMb / jsonl.s).toFixed(1)} MB/s; peak RSS ${jsonl.peakMb.toFixed(0)} MB (${jsonl.startMb.toFixed(0)} MB at its start)`,
);
console.log(`ratio   build/jsonl time ${(build.s / jsonl.s).toFixed(2)}`);
console.log(
  `verify  ${verify.value.rows} rows, ${verify.value.failures.length} failure(s): ${verify.s.toFixed(1)} s = ${Math.round(n / verify.s)} rows/s; peak RSS ${verify.peakMb.toFixed(0)} MB (${verify.startMb.toFixed(0)} MB at its start), live heap after GC at most ${verify.liveMb.toFixed(0)} MB`,
);
console.log(
  `report  ${report.value.dataset.rows} rows (+ ${report.value.reference?.rows} of the built-in reference), ${report.value.dataset.tokens.total} tokens, quality mean ${report.value.dataset.quality.mean}: ${report.s.toFixed(1)} s = ${Math.round(n / report.s)} rows/s; peak RSS ${report.peakMb.toFixed(0)} MB (${report.startMb.toFixed(0)} MB at its start), live heap after GC at most ${report.liveMb.toFixed(0)} MB`,
);
clearInterval(sampler);
await c.close();
rmSync(tmp, { recursive: true, force: true });
