import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startCoordinator } from '@sward/coordinator';
import { type RunningNode, startNode } from '@sward/node';
import { SwardClient } from '@sward/sdk';
import { pino } from 'pino';

const WORDS =
  'river stone lantern harbor meadow signal copper orchard whisper canyon ember falcon glacier'.split(' ');
const PAGES = 60;

/** Article pages whose footer carries the time of each request, so two honest fetches never hash the same. */
function paragraph(page: number, n: number): string {
  // A small linear congruential generator: varied, deterministic text per page and paragraph.
  let x = (page * 1000 + n + 1) * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < 60; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length] as string);
  }
  return out.join(' ');
}
async function changingSite() {
  const server = createServer((req, res) => {
    const m = /^\/p\/(\d+)$/.exec(req.url ?? '');
    const page = req.url === '/' ? 0 : m ? Number(m[1]) : -1;
    if (page < 0 || page > PAGES) {
      res.writeHead(404).end('not found');
      return;
    }
    const links = [1, 2, 3].map((d) => `<a href="/p/${((page + d * 7) % PAGES) + 1}">next</a>`).join(' ');
    const paras = [0, 1, 2, 3, 4].map((n) => `<p>${paragraph(page, n)}</p>`).join('');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<html><body><h1>Page ${page}</h1>${paras}${links}<footer>Rendered at ${new Date().toISOString()} ${process.hrtime.bigint()}</footer></body></html>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * A node patched to lie: it rewrites the text of one page in ten before hashing and signing, always the same
 * six (/p/10, /p/20 … /p/60). Picked by a hash of the whole URL, the set changed with the site's random port:
 * 0 to 17 altered pages a run, 2 or fewer for 4.4% of ports, and with that few the liar's checks passed on
 * honest pages outgrew what one lost check pulls below the bar (prior 5, bar 0.95: one charge flags a node
 * only while it has fewer than 14 agreements), so it was not caught within 8 jobs (a full run, session 13).
 */
const alters = (url: string) => /^\/p\/\d*0$/.test(new URL(url).pathname);
const lie = (url: string, body: Buffer) =>
  alters(url)
    ? Buffer.from(body.toString('utf8').replace(/<p>[^<]*<\/p>/g, '<p>buy cheap pills now at our store</p>'))
    : body;

test('spot checks catch a node that alters 10% of pages, and spare honest nodes on pages with a changing timestamp', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-spot-'));
  const quiet = pino({ level: process.env.DEBUG_SPOT ? 'warn' : 'silent' });
  const site = await changingSite();
  const c = await startCoordinator({
    db: join(tmp, 'db.sqlite'),
    dataDir: join(tmp, 'data'),
    log: quiet,
    scheduler: { hostDelayMs: 0 },
    spotChecks: { rate: 0.5 },
  });
  const nodes: RunningNode[] = [];
  const start = async (name: string, liar = false) => {
    const d = join(tmp, name);
    const n = await startNode(
      {
        coordinatorUrl: c.url,
        keyFile: join(d, 'k'),
        logFile: join(d, 'l'),
        stateFile: join(d, 's'),
        allowPrivate: true,
        leaseWaitMs: 300,
        operator: name,
      },
      {
        logger: process.env.DEBUG_SPOT ? pino({ level: 'debug' }) : quiet,
        ...(liar ? { transformBody: lie } : {}),
      },
    );
    n.done.catch(() => undefined);
    nodes.push(n);
    return n;
  };
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    await c.close();
    await site.close();
    if (!process.env.DEBUG_SPOT) rmSync(tmp, { recursive: true, force: true });
  });
  const honest = [await start('alice'), await start('bob'), await start('carol')];
  const liar = await start('mallory', true);
  const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
  const credibility = async (id: string) => (await c.store.auth.getNode(id))?.credibility ?? 1;
  let jobs = 0;
  const MAX_JOBS = 8;
  while (jobs < MAX_JOBS && (await credibility(liar.id)) >= 0.95) {
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 1000 });
    await client.waitForJob(
      job.id,
      (j) => process.env.DEBUG_SPOT && console.log(JSON.stringify(j.progress)),
      100,
    );
    jobs++;
    // let the spot checks of this job finish before judging
    for (let i = 0; i < 100; i++) {
      const open = await c.store.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM urls WHERE kind = 'spotcheck' AND state IN ('queued', 'leased')",
      );
      if (Number(open?.n) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const liarScore = await credibility(liar.id);
  if (liarScore >= 0.95) {
    // Say why (seen once in a loaded full run, session 13, not reproduced): did the liar capture altered pages,
    // were they drawn for a check, and how did the checks of its captures end?
    const facts = await c.store.db.all<Record<string, unknown>>(
      `SELECT o.node_id AS node, count(DISTINCT o.id) AS captures,
              count(DISTINCT CASE WHEN d.selected = 1 THEN o.id END) AS drawn,
              count(DISTINCT s.id) AS checks, count(DISTINCT CASE WHEN s.agrees = 0 THEN s.id END) AS disagreed
         FROM captures o LEFT JOIN spot_check_draws d ON d.capture_id = o.id
         LEFT JOIN spot_checks s ON s.capture_id = o.id GROUP BY o.node_id`,
    );
    const altered = (
      await c.store.db.all<{ url: string }>('SELECT requested_url AS url FROM captures WHERE node_id = ?', [
        liar.id,
      ])
    ).filter((r) => alters(r.url)).length;
    assert.fail(
      `liar not caught within ${MAX_JOBS} jobs (credibility ${liarScore} after ${jobs}); liar ${liar.id.slice(0, 8)} ` +
        `captured ${altered} altered pages; per node: ${JSON.stringify(facts)}`,
    );
  }
  for (const h of honest)
    assert.ok((await credibility(h.id)) >= 0.95, `honest node ${h.id.slice(0, 8)} keeps its credibility`);
  const agreeing = await c.store.db.get<{ n: number }>(
    `SELECT count(*) AS n FROM spot_checks s JOIN captures o ON o.id = s.capture_id
       JOIN captures k ON k.id = s.check_capture_id WHERE s.agrees = 1 AND o.body_sha256 <> k.body_sha256`,
  );
  assert.ok(
    Number(agreeing?.n) > 0,
    'pages whose timestamp changed between fetches were judged by text similarity and agreed',
  );
  const flagged = await c.store.db.all<{ node_id: string }>(
    'SELECT DISTINCT node_id FROM captures WHERE flagged = 1',
  );
  assert.deepEqual(
    flagged.map((r) => r.node_id),
    [liar.id],
    "only the liar's captures are flagged",
  );
  // A capture a tie-break proved false leaves the job's pages, and its URL holds the honest tie-breaker's
  // fetch instead, with the real text.
  // (The liar may also be charged as a checker, whose fetch is not a page of any job: only tie-breaks that
  // went against a capture's own node refute it. capture-claims-contract.test.ts has the deterministic case.)
  const lost = await c.store.db.all<{ id: string }>(
    `SELECT o.id FROM spot_checks s JOIN captures o ON o.id = s.capture_id
     WHERE s.round = 2 AND s.charged_node = o.node_id`,
  );
  const refuted = await c.store.db.all<{ id: string; job_id: string; requested_url: string }>(
    "SELECT id, job_id, requested_url FROM captures WHERE outcome = 'refuted'",
  );
  assert.deepEqual(
    refuted.map((r) => r.id).sort(),
    lost.map((r) => r.id).sort(),
    'every capture a tie-break went against is refuted, and no other',
  );
  for (const r of refuted) {
    const pages = [];
    for await (const p of client.pages(r.job_id)) pages.push(p);
    assert.ok(!pages.some((p) => p.captureId === r.id), `refuted ${r.id} is not listed`);
    const now = pages.find((p) => p.url === r.requested_url);
    assert.ok(now, `${r.requested_url} still has a page`);
    assert.notEqual(now.nodeId, liar.id);
    const body = await client.blob(now.bodySha256);
    assert.doesNotMatch(Buffer.from(body).toString('utf8'), /buy cheap pills/);
  }
  // the distrusted node is refused work: its next lease call is answered NODE_DISTRUSTED
  for (let i = 0; i < 100 && !/NODE_DISTRUSTED/.test(liar.stats().lastError ?? ''); i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.match(liar.stats().lastError ?? '', /NODE_DISTRUSTED/);
});
