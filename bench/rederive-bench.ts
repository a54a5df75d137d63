// `sward verify --rederive` benchmark: re-extraction pages/s on a real crawl's bundle (sample site on loopback,
// coordinator and node in this process), against the bare extractor (decodeHtml + extract over the same
// bodies, no bundle reading or comparison) measured in the same run, passes interleaved.
//   node --import tsx bench/rederive-bench.ts [--pages 400] [--passes 3]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator } from '@sward/coordinator';
import { decodeHtml, extract } from '@sward/extract';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { rederiveDocuments } from '../packages/cli/src/rederive.js';
import { loopbackNode } from '../test/support/nodes.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? (process.argv[i + 1] ?? d) : d;
};
const PAGES = Number(arg('pages', '400'));
const PASSES = Number(arg('passes', '3'));

const tmp = mkdtempSync(join(tmpdir(), 'sward-rederive-bench-'));
const out = join(tmp, 'out');
try {
  const site = await startSampleSite({ pages: PAGES, crawlDelay: 0, politeness: false });
  const c = await startCoordinator({
    db: join(tmp, 'db.sqlite'),
    dataDir: join(tmp, 'data'),
    log: pino({ level: 'warn' }),
    scheduler: { hostDelayMs: 0 },
  });
  const node = await loopbackNode(c.url, tmp);
  const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
  const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: PAGES + 50 });
  await client.waitForJob(job.id, undefined, 200);
  await writeCrawlOutput(client, job.id, out);
  await node.stop();
  await c.close();
  await site.close();

  const pages = new Map(
    readFileSync(join(out, 'pages.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((p) => [p.captureId, p]),
  );
  const docs = readFileSync(join(out, 'documents.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const pack = readFileSync(join(out, 'bodies.pack'));
  const inputs = docs.map((d) => {
    const p = pages.get(d.captureId);
    return {
      body: pack.subarray(p.bodyOffset, p.bodyOffset + p.bodyLength),
      contentType: p.signedCapture.capture.headers['content-type'],
      url: p.signedCapture.capture.finalUrl,
    };
  });
  const bare = () => {
    const t = performance.now();
    for (const i of inputs) extract(decodeHtml(i.body, i.contentType).text, { url: i.url });
    return inputs.length / ((performance.now() - t) / 1000);
  };
  const rederive = async () => {
    const t = performance.now();
    const r = await rederiveDocuments(out);
    const rate = r.identical / ((performance.now() - t) / 1000);
    if (r.failures.length || r.identical !== docs.length)
      throw new Error(
        `rederive: ${r.identical} of ${docs.length}, ${JSON.stringify(r.failures.slice(0, 2))}`,
      );
    return rate;
  };
  bare(); // warm-up
  const rows: string[] = [];
  for (let p = 1; p <= PASSES; p++) {
    const load = loadavg()[0]?.toFixed(2);
    const b = bare();
    const r = await rederive();
    rows.push(
      `| ${p} | ${docs.length} | ${b.toFixed(0)} | ${r.toFixed(0)} | ${(r / b).toFixed(2)} | ${load} |`,
    );
  }
  console.log(
    `date: ${new Date().toISOString()}; ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}`,
  );
  console.log('| pass | documents | bare extract pages/s | --rederive pages/s | ratio | load (1 min) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
