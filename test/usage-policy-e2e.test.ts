import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BlobStore, type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { type RightsReceipt, responseHeadersDocument, responseHeadersSha256, sha256Hex } from '@sward/core';
import type { RunningNode } from '@sward/node';
import { type JobCompliance, SwardClient, verifyBundleDir } from '@sward/sdk';
import { startUsagePolicySite, type UsagePolicySite } from '@sward/testsites';
import { pino } from 'pino';
import { writeCrawlOutput } from '../packages/cli/src/crawl-output.js';
import { extraChecks } from '../packages/sdk/src/verify-semantics.js';
import { readJsonl } from './support/crawl-checks.js';
import { refreshAfter } from './support/live.js';
import { loopbackNode } from './support/nodes.js';

type Purpose = 'train' | 'input' | 'index';

/**
 * Crawls of a site that states its terms through every mechanism (robots.txt Content-Usage, Content-Signal and
 * License, the Content-Usage, Content-Signal and Link headers, HTML and inline RSL licences, RSL payment, noai,
 * the TDM header), once per purpose: each page is stored or skipped with the reason the site gives for that
 * purpose, a refused body never reaches the blob store, and every page's rights receipt is in its log leaf.
 */
describe('publishers’ usage preferences, per purpose', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-usage-'));
  let c: RunningCoordinator;
  let node: RunningNode;
  let client: SwardClient;
  let site: UsagePolicySite;
  const blobs = new BlobStore(join(tmp, 'data', 'blobs'));
  before(async () => {
    c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'warn' }),
      scheduler: { hostDelayMs: 0, backoffMs: 1 },
      collections: { minIntervalMs: 1000, tickMs: 100 },
    });
    node = await loopbackNode(c.url, tmp);
    client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    site = await startUsagePolicySite();
  });
  after(async () => {
    await node.stop();
    await c.close();
    await site.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const crawls = new Map<Purpose, string>();

  const crawl = async (purpose: Purpose) => {
    const out = join(tmp, purpose);
    const from = site.hits.all.length;
    const job = await client.createCrawl({ seed: `${site.url}/`, maxPages: 100, purpose });
    await client.waitForJob(job.id, undefined, 100);
    await writeCrawlOutput(client, job.id, out);
    crawls.set(purpose, out);
    return { out, jobId: job.id, requested: new Set(site.hits.all.slice(from).map((h) => h.path)) };
  };
  const bodyOf = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

  // The blob store is the coordinator's: a body stored for an earlier job is there for a later one.
  const done: Purpose[] = [];
  for (const purpose of ['train', 'input', 'index'] as const) {
    test(`purpose ${purpose}: every page stored or skipped with the site's reason; refused bodies never stored`, async () => {
      const { out, requested } = await crawl(purpose);
      const pages = readJsonl(join(out, 'pages.jsonl'));
      const skipped = readJsonl(join(out, 'skipped.jsonl'));
      const got = new Map<string, string>();
      for (const p of pages) got.set(p.url, 'stored');
      for (const s of skipped) got.set(s.url, s.reason);
      const want = new Map([...site.expected].map(([url, e]) => [url, e[purpose]]));
      assert.deepEqual(Object.fromEntries(got), Object.fromEntries(want));
      done.push(purpose);
      for (const [url, expect] of want) {
        if (done.some((p) => site.expected.get(url)?.[p] === 'stored')) continue;
        // The site serves the same bytes to us: the blob store must not hold them.
        const sha = sha256Hex(await bodyOf(url));
        assert.equal(await blobs.get(sha), null, `${url} (${expect}) must not be stored`);
      }
      // A page refused by robots.txt's rules or the licence it names is not even requested for this purpose;
      // one refused by its response was requested, and its body dropped.
      for (const s of skipped) {
        const path = new URL(s.url).pathname;
        if (/robots-rule|\/rsl\/(paid|no-input)\//.test(path)) {
          assert.ok(!requested.has(path), `${path} (${s.reason}) must not be requested for ${purpose}`);
          assert.match(s.detail, /robots\.txt/, `${s.url}: decided before the fetch`);
        } else assert.ok(requested.has(path), `${path} (${s.reason}) is refused on its response`);
      }
      for (const s of skipped)
        if (s.reason.startsWith('rsl:')) assert.match(s.detail, /licence/, `${s.url}: names the licence`);
      const paid = skipped.find((s) => s.url === `${site.url}/rsl/paid/page`);
      assert.match(paid?.detail ?? '', new RegExp(`its licence ${site.url}/license\\.xml`));
      assert.match(paid?.detail ?? '', /the licence asks crawl: 0\.015 USD/, 'the price is named');
      // Each stored page carries its receipt in the log leaf, with the decision for every purpose.
      for (const p of pages) {
        const r = p.signedCapture.rights as RightsReceipt;
        assert.equal(r.purpose, purpose);
        const e = site.expected.get(p.url);
        for (const q of ['train', 'input', 'index'] as const)
          assert.equal(
            r.decisions[q].decision === 'allow' ? 'stored' : r.decisions[q].reason,
            e?.[q],
            `${p.url} for ${q}`,
          );
        assert.deepEqual(p.usage, {
          train: r.decisions.train.decision,
          input: r.decisions.input.decision,
          index: r.decisions.index.decision,
        });
        const robots = r.documents.find((d) => d.kind === 'robots');
        assert.equal(robots?.sha256, sha256Hex(await bodyOf(`${site.url}/robots.txt`)));
        const licence = r.documents.find((d) => d.kind === 'rsl' && d.url === `${site.url}/license.xml`);
        assert.equal(licence?.sha256, sha256Hex(await bodyOf(`${site.url}/license.xml`)));
        const headers = responseHeadersDocument(p.signedCapture.capture.headers);
        const hdoc = r.documents.find((d) => d.kind === 'headers');
        assert.equal(hdoc?.sha256, headers ? responseHeadersSha256(headers) : undefined);
      }
      const report = await verifyBundleDir(out);
      assert.deepEqual(report.failures, []);
      const receipts = report.checks.find((l) => l.check === 'rights receipts');
      assert.equal(receipts?.status, 'checked', JSON.stringify(receipts));
    });
  }

  test('the same page: allowed for index, refused for train (two jobs)', () => {
    const page = `${site.url}/header/content-usage`;
    const index = readJsonl(join(crawls.get('index') as string, 'pages.jsonl')).map((p) => p.url);
    const train = readJsonl(join(crawls.get('train') as string, 'skipped.jsonl'));
    assert.ok(index.includes(page));
    assert.deepEqual(
      train.filter((s) => s.url === page).map((s) => s.reason),
      ['aipref:train-ai=n'],
    );
  });

  test('compliance.json names robots.txt with its usage refusals, and every RSL licence read', () => {
    const compliance = JSON.parse(
      readFileSync(join(crawls.get('train') as string, 'compliance.json'), 'utf8'),
    ) as JobCompliance;
    const robots = compliance.documents.find((d) => d.kind === 'robots');
    assert.deepEqual((robots?.decision as { usageRefused?: unknown } | undefined)?.usageRefused, {
      'aipref:train-ai=n': 2,
      'content-signal:ai-train=no': 2,
      'rsl:payment-required': 1,
      'rsl:prohibits ai-train': 3,
    });
    assert.deepEqual(
      compliance.documents
        .filter((d) => d.kind === 'rsl')
        .map((d) => [d.url, d.decision])
        .sort(),
      [
        [`${site.url}/license.xml`, { readable: true, problem: null }],
        [`${site.url}/licenses/no-train.xml`, { readable: true, problem: null }],
      ],
    );
  });

  test('a live collection is an input job: pages refused for input never enter it', async () => {
    const paths = ['/open', '/header/content-signal', '/rsl/no-input/page', '/noai', '/aipref/robots-rule'];
    const col = await client.createCollection({
      name: 'terms',
      sources: paths.map((p) => site.url + p),
      every: '1h',
    });
    const jobId = await refreshAfter(c, col.id, 0);
    const rows = await c.store.db.all<{ url: string; state: string; reason: string | null }>(
      "SELECT url, state, reason FROM urls WHERE job_id = ? AND kind = 'page' ORDER BY url",
      [jobId],
    );
    assert.deepEqual(
      Object.fromEntries(
        rows.map((r) => [new URL(r.url).pathname, r.state === 'stored' ? 'stored' : r.reason]),
      ),
      Object.fromEntries(paths.map((p) => [p, site.expected.get(site.url + p)?.input])),
    );
    const leaf = await c.store.db.get<{ signed: string }>(
      "SELECT signed FROM captures WHERE job_id = ? AND outcome = 'stored'",
      [jobId],
    );
    assert.equal(JSON.parse(leaf?.signed ?? '{}').rights?.purpose, 'input');
  });

  test('a compliance.json whose robots.txt is not the one the receipts name fails the rights check', async () => {
    const out = join(tmp, 'verify-rights');
    mkdirSync(out);
    for (const f of ['pages.jsonl', 'compliance.json', 'skipped.jsonl'])
      writeFileSync(join(out, f), readFileSync(join(crawls.get('train') as string, f)));
    const file = join(out, 'compliance.json');
    const compliance = JSON.parse(readFileSync(file, 'utf8')) as JobCompliance;
    const robots = compliance.documents.find((d) => d.kind === 'robots');
    assert.ok(robots);
    robots.bodySha256 = sha256Hex('User-agent: *\nAllow: /\n');
    writeFileSync(file, JSON.stringify(compliance));
    const r = await extraChecks(out, {});
    const line = r.lines.find((l) => l.check === 'rights receipts');
    assert.equal(line?.status, 'failed', JSON.stringify(line));
    assert.match(line?.detail ?? '', /receipt's robots .* is not compliance\.json's/);
  });

  test('a receipt edited after the log committed to it fails verify', async () => {
    const out = crawls.get('train') as string;
    const file = join(out, 'pages.jsonl');
    const original = readFileSync(file, 'utf8');
    const rows = original.trimEnd().split('\n');
    const row = JSON.parse(rows[0] as string);
    row.signedCapture.rights.decisions.train = { decision: 'allow', reason: 'no-signal' };
    row.signedCapture.rights.decisions.index = { decision: 'skip', reason: 'aipref:search=n' };
    rows[0] = JSON.stringify(row);
    writeFileSync(file, `${rows.join('\n')}\n`);
    try {
      const report = await verifyBundleDir(out);
      assert.ok(
        report.failures.some((f) => f.check === 'inclusion'),
        JSON.stringify(report.failures.slice(0, 3)),
      );
    } finally {
      writeFileSync(file, original);
    }
  });
});
