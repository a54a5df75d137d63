// Dataset shard writing: 100k synthetic documents (~2 KB text + markdown each) written as Parquet shards
// (datasets/parquet-shards.ts, hyparquet-writer) against the same rows as JSONL, in the same run; peak RSS
// sampled while each runs. The store read, inclusion proofs and body pack of a real build are not in it.
// Run: node --import tsx bench/dataset-bench.ts [rows] [shardMB]

import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatasetRow, ParquetShards } from '../packages/coordinator/src/datasets/parquet-shards.js';

const n = Number(process.argv[2] ?? 100_000);
const shardBytes = Number(process.argv[3] ?? 64) * 1024 * 1024;
const words =
  'the quick brown fox jumps over lazy dogs while a crawler reads public pages for training data'.split(' ');
const row = (i: number): DatasetRow => {
  let text = '';
  for (let w = 0; text.length < 2000; w++) text += `${words[(i * 7 + w * 13) % words.length]} `;
  text += String(i);
  return {
    text,
    markdown: `# Page ${i}\n\n${text}`,
    url: `https://site${i % 50}.example/page/${i}`,
    final_url: `https://site${i % 50}.example/page/${i}`,
    domain: `site${i % 50}.example`,
    title: `Page ${i}`,
    language: 'en',
    fetched_at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    license: i % 3 ? 'unspecified' : 'RSL https://site.example/license.xml',
    allowed_purposes: 'train,input,index',
    usage_reasons: '{"train":"allow:no-signal","input":"allow:no-signal","index":"allow:no-signal"}',
    capture_id: `c_${i.toString(16).padStart(32, '0')}`,
    body_sha256: i.toString(16).padStart(64, '0'),
    leaf_index: i,
  };
};

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

async function measure(label: string, run: () => Promise<number>) {
  global.gc?.();
  peak = process.memoryUsage().rss;
  const base = peak;
  const t0 = process.hrtime.bigint();
  const bytes = await run();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${label.padEnd(8)} ${n} rows in ${s.toFixed(2)} s = ${Math.round(n / s)} rows/s, ${(bytes / 1e6 / s).toFixed(1)} MB/s written (${(bytes / 1e6).toFixed(0)} MB), peak RSS ${(peak / 1e6).toFixed(0)} MB (+${((peak - base) / 1e6).toFixed(0)} MB)`,
  );
  return s;
}

const dir = mkdtempSync(join(tmpdir(), 'sward-ds-bench-'));
const jsonl = await measure('jsonl', async () => {
  const out = createWriteStream(join(dir, 'rows.jsonl'));
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const line = `${JSON.stringify(row(i))}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
});
const parquet = await measure('parquet', async () => {
  const shards = new ParquetShards(dir, shardBytes);
  for (let i = 0; i < n; i++) {
    shards.add(row(i));
    if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
  }
  shards.close();
  console.log(`         ${shards.files.length} shard(s)`);
  return shards.files.reduce((a, f) => a + f.size, 0);
});
console.log(`parquet/jsonl time ratio ${(parquet / jsonl).toFixed(2)}`);
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });
