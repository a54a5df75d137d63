// A node's calls to a coordinator that is down, and its resume after the restart, behind a reverse proxy.
// In one process: a coordinator (SQLite in a temp dir), a counting HTTP proxy in front of it that answers
// 502 while it is down (as nginx or Caddy does when its upstream refuses), one node talking through the
// proxy, and a generated site with latency so that fetches are in flight. A job runs; once it has stored
// a few pages the coordinator is closed for --down-s seconds (captures in flight then: their uploads fail),
// then started again on the same port. Reported: the proxy's requests while it was down, by route, the most
// on their way at once, and restart → the job's next stored page (its progress read around the proxy).
// The node comes from --tree (its compiled packages/node/dist), so two trees run alternately in one run.
// Usage: node --conditions=source --import=./scripts/ts-loader/register.mjs bench/node-outage-bench.ts
//          [--trees /work/base,.] [--rounds 2] [--down-s 30] [--concurrency 8] [--down-answer 502|reset]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCoordinator } from '@sward/coordinator';
import { SwardClient } from '@sward/sdk';
import { startSampleSite } from '@sward/testsites';
import { pino } from 'pino';

const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '/work/base,.' },
    rounds: { type: 'string', default: '2' },
    'down-s': { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '8' },
    'down-answer': { type: 'string', default: '502' },
  },
});
const trees = values.trees.split(',').map((t) => resolve(t));
const downMs = Number(values['down-s']) * 1000;
const concurrency = Number(values.concurrency);
// 502: the proxy's page; reset: the connection is cut, as when the node reaches the coordinator directly.
const downAnswer = values['down-answer'];

interface Seen {
  path: string;
  at: number;
  end: number;
}

/** A proxy to 127.0.0.1:`port` that records every request; 502 with an HTML page when the upstream refuses. */
async function countingProxy(upstream: () => number) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const at = Date.now();
    const done = () => seen.push({ path: req.url ?? '', at, end: Date.now() });
    const up = request(
      { host: '127.0.0.1', port: upstream(), path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res).on('finish', done);
      },
    );
    up.on('error', () => {
      if (res.headersSent || downAnswer === 'reset') {
        done();
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      done();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

async function once(tree: string) {
  const { startNode } = (await import(
    join(tree, 'packages/node/dist/index.js')
  )) as typeof import('@sward/node');
  const tmp = mkdtempSync(join(tmpdir(), 'sward-outage-'));
  const site = await startSampleSite({ pages: 2000, politeness: false, latencyMs: 400 });
  const quiet = pino({ level: 'silent' });
  const start = (port = 0) =>
    startCoordinator({
      db: join(tmp, 'sward.db'),
      dataDir: join(tmp, 'data'),
      port,
      collections: { refresh: false },
      scheduler: { hostDelayMs: 0 },
      log: quiet,
    });
  let co = await start();
  const port = Number(new URL(co.url).port);
  const proxy = await countingProxy(() => port);
  const node = await startNode(
    {
      coordinatorUrl: proxy.url,
      keyFile: join(tmp, 'node', 'node.key'),
      logFile: join(tmp, 'node', 'node.log'),
      stateFile: join(tmp, 'node', 'node.state'),
      allowPrivate: true,
      maxConcurrent: concurrency,
    },
    { logger: quiet },
  );
  const client = new SwardClient({ url: co.url, apiKey: co.firstApiKey as string });
  const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 2000 });
  const stored = async () => (await client.job(job.id)).progress?.stored ?? 0;
  while ((await stored()) < 20) await new Promise((r) => setTimeout(r, 100));
  await co.close();
  const downAt = Date.now();
  await new Promise((r) => setTimeout(r, downMs));
  const before = await (async () => {
    co = await start(port);
    return stored();
  })();
  const restartedAt = Date.now();
  let resumeMs = Number.NaN;
  for (let i = 0; i < 600; i++) {
    if ((await stored()) > before) {
      resumeMs = Date.now() - restartedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const down = proxy.seen.filter((s) => s.at >= downAt && s.at < downAt + downMs);
  let overlap = 0;
  for (const s of down) overlap = Math.max(overlap, down.filter((q) => q.at <= s.at && q.end > s.at).length);
  const kind = (re: RegExp) => down.filter((s) => re.test(s.path)).length;
  const result = {
    tree,
    downAnswer,
    calls: down.length,
    lease: kind(/\/lease$/),
    heartbeat: kind(/heartbeat/),
    uploads: kind(/captures|capture-batch/),
    other: kind(/challenge|session|operators|hand-back|signing-key|failures/),
    overlap,
    resumeS: Number((resumeMs / 1000).toFixed(2)),
  };
  await node.stop();
  await co.close();
  proxy.server.closeAllConnections();
  proxy.server.close();
  await site.close();
  rmSync(tmp, { recursive: true, force: true });
  return result;
}

// Alternating A/B/B/A within each pair of rounds, so a change of load on a shared machine hits both trees.
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? trees : [...trees].reverse();
  for (const tree of order) console.log(JSON.stringify(await once(tree)));
}
