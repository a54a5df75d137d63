// The capture path alone (issue #14 point 1): SQL statements and main-thread CPU per capture accepted in batches
// of N, with the capture path built as `sward coordinator` builds it (spot-check sampling keys, creators' terms,
// rewards), on SQLite and PostgreSQL, no HTTP. Statements are counted at the drivers (better-sqlite3's
// statements and exec; pg's Client.query), BEGIN/COMMIT and savepoints included. CPU is process.cpuUsage()
// around acceptBatch (and the main thread's alone, from /proc), and apart around the claim of the leases the batch answers (user + system of the whole process: the pg driver's socket work is in it, the
// PostgreSQL server's is not). Every page links to 20 others of the job, as the sample site's pages do.
// Usage: node --import tsx bench/capture-batch-bench.ts [--batches 1,4,16,32] [--captures 512]
//          [--backends sqlite,postgres] [--rounds 3] [--checkpoint-thread]
// --checkpoint-thread: SQLite's WAL checkpoints on a worker thread, as `sward coordinator` runs them; without
// it they run in the main connection's commits (SQLite's default), so the two can be compared in one tree.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlobStore,
  ChunkIndex,
  CollectionIngest,
  CreatorPageFlow,
  Creators,
  defaultSpotCheckConfig,
  openStore,
  RewardsService,
  SampleKeys,
  SpotChecks,
  schedulerFor,
} from '@sward/coordinator';
import { type CaptureBatchItem, generateIdentity, type Identity } from '@sward/core';
import pg from 'pg';
import { Ingest } from '../packages/coordinator/src/ingest/ingest.js';
import { loadLogKey } from '../packages/coordinator/src/log/log-key.js';
import { backends } from '../test/support/backends.js';
import { captureUpload } from '../test/support/capture-maker.js';
import { benchOption as opt } from './support-args.js';
import { machineFacts } from './support-proc.js';
import { procCpu } from './support-proc-tree.js';

const args = process.argv.slice(2);
const sizes = opt('batches', '1,4,16,32').split(',').map(Number);
let total = Number(opt('captures', '512'));
const rounds = Number(opt('rounds', '3'));
process.env.SWARD_TEST_BACKENDS = opt('backends', 'sqlite,postgres');

/**
 * This thread's user + system CPU, µs (clock ticks: 10 ms each, so only a sum over many batches means
 * anything): process.cpuUsage also counts the thread pool, where the blob store's large writes run.
 */
const threadCpuUs = () => procCpu('/proc/thread-self/stat') * 1e6;

let statements = 0;
{
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const f = Statement[name];
    Statement[name] = function (this: unknown, ...a: unknown[]) {
      statements++;
      return f.apply(this, a);
    };
  }
  const exec = Database.prototype.exec;
  Database.prototype.exec = function (this: unknown, ...a: unknown[]) {
    statements++;
    return exec.apply(this, a);
  };
  const query = pg.Client.prototype.query;
  // biome-ignore lint/suspicious/noExplicitAny: wrapping the driver's overloaded query
  (pg.Client.prototype as any).query = function (this: pg.Client, ...a: unknown[]) {
    statements++;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    return (query as any).apply(this, a);
  };
}

const page = (i: number, links: string[]) =>
  `<html><head><title>Page ${i}</title></head><body><article><h1>Page ${i}</h1>
   <p>${`Words of page ${i} that make a paragraph long enough to be the main text. `.repeat(12)}</p>
   ${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</article></body></html>`;

async function run(backendName: string, batch: number) {
  const backend = backends().find((b) => b.name === backendName);
  if (!backend) throw new Error(`no backend ${backendName}`);
  const work = mkdtempSync(join(tmpdir(), 'sward-capture-batch-bench-'));
  const store = await openStore(
    await backend.create(),
    { hostDelayMs: 0, backoffMs: 1, politeness: false },
    { checkpointThread: args.includes('--checkpoint-thread') },
  );
  try {
    const blobs = new BlobStore(join(work, 'blobs'));
    const { signer } = loadLogKey(join(work, 'log.key'), 'bench/log');
    const spotConfig = { ...defaultSpotCheckConfig };
    const keys = new SampleKeys(store.db, signer, 'bench/log', spotConfig);
    await keys.extensionLines();
    const rewards = new RewardsService(store.db);
    const ingest = new Ingest(
      store,
      blobs,
      new SpotChecks(blobs, store.captures, spotConfig, keys),
      rewards,
      new CollectionIngest(store.frontier, new ChunkIndex(store.db)),
      new CreatorPageFlow(new Creators(store.db), rewards),
    );
    const node: Identity = generateIdentity();
    await store.auth.upsertNode({ id: node.id, operator: 'bench' });
    const n = total + 1;
    const path = (i: number) => `/p/${i}`;
    await store.frontier.createJob(
      { tenant: 'default' },
      { seed: 'http://bench.test/p/0', maxPages: 1_000_000, maxDepth: 100, include: [], exclude: [] },
    );
    const scheduler = schedulerFor(store);
    // policy files first (robots.txt, tdmrep.json: none), then the pages
    const answer = async (items: CaptureBatchItem[]) => ingest.acceptBatch(node.id, items);
    let cpuUs = 0;
    let mainUs = 0;
    let wallMs = 0;
    let claimUs = 0;
    let counted = 0;
    let accepted = 0;
    for (let guard = 0; accepted < total && guard < 10_000; guard++) {
      const k0 = process.cpuUsage();
      const leases = await scheduler.claim(node.id, batch);
      const k = process.cpuUsage(k0);
      if (!leases.length) throw new Error(`nothing to lease after ${accepted} pages`);
      const items = leases.map((l) => {
        const u = new URL(l.url);
        if (u.pathname === '/robots.txt' || u.pathname.endsWith('tdmrep.json'))
          return item(node, l, { status: 404, body: 'none', headers: { 'content-type': 'text/plain' } });
        const i = Number(u.pathname.split('/')[2] ?? 0);
        const links = Array.from({ length: 20 }, (_, k) => path((i * 7 + k * 13 + 1) % n));
        return item(node, l, { body: page(i, links) });
      });
      const pages = items.filter((it) =>
        (it.capture as { requestedUrl: string }).requestedUrl.includes('/p/'),
      );
      const s0 = statements;
      const c0 = process.cpuUsage();
      const m0 = threadCpuUs();
      const w0 = performance.now();
      const r = await answer(items);
      const w = performance.now() - w0;
      const m = threadCpuUs() - m0;
      const c = process.cpuUsage(c0);
      const s = statements - s0;
      if (r.some((x) => !x.accepted))
        throw new Error(`refused: ${JSON.stringify(r.find((x) => !x.accepted))}`);
      if (pages.length === items.length) {
        cpuUs += c.user + c.system;
        mainUs += m;
        wallMs += w;
        claimUs += k.user + k.system;
        counted += pages.length;
        statementsSum += s;
      }
      accepted += pages.length;
    }
    return {
      statementsPerCapture: statementsSum / counted,
      cpuMsPerCapture: cpuUs / 1000 / counted,
      mainCpuMsPerCapture: mainUs / 1000 / counted,
      wallMsPerCapture: wallMs / counted,
      claimCpuMsPerCapture: claimUs / 1000 / counted,
      counted,
    };
  } finally {
    statementsSum = 0;
    await store.close();
    await backend.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}
let statementsSum = 0;

function item(
  node: Identity,
  lease: { leaseId: string; jobId: string; url: string },
  res: Parameters<typeof captureUpload>[2],
): CaptureBatchItem {
  const u = captureUpload(node, lease, res);
  return { capture: u.capture, signature: u.signature, body: Buffer.from(u.body, 'base64') };
}

process.stderr.write(`${machineFacts()}\n`);
const lines = [
  `${total} pages per run, batches of N pages (batches holding a policy file are not counted), ${rounds} rounds`,
  '',
  '| backend | N | round | statements per capture | CPU ms per capture (acceptBatch) | main-thread CPU ms per capture (acceptBatch) | wall ms per capture (acceptBatch) | CPU ms per capture (the claim that leased it) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const b of opt('backends', 'sqlite,postgres').split(',')) {
  // one run first, not counted, so the JIT's warm-up is not charged to the first size measured
  const saved = total;
  total = 128;
  await run(b, Math.max(...sizes));
  total = saved;
  for (const size of sizes)
    for (let round = 1; round <= rounds; round++) {
      const r = await run(b, size);
      lines.push(
        `| ${b} | ${size} | ${round} | ${r.statementsPerCapture.toFixed(1)} | ${r.cpuMsPerCapture.toFixed(3)} | ${r.mainCpuMsPerCapture.toFixed(3)} | ${r.wallMsPerCapture.toFixed(3)} | ${r.claimCpuMsPerCapture.toFixed(3)} |`,
      );
      process.stderr.write(`${lines.at(-1)}\n`);
    }
}
process.stdout.write(`${lines.join('\n')}\n`);
