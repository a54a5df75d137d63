import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import {
  DATASET_EXCLUSIONS,
  type DatasetFigures,
  type DatasetValuation,
  FRESHNESS_BIN_HOURS,
  reportPage,
} from '@sward/core';
import { qualitySignals } from '@sward/extract';
import type { RunningNode } from '@sward/node';
import { downloadDataset, type SwardApiError, SwardClient } from '@sward/sdk';
import { startSampleSite, startUsagePolicySite } from '@sward/testsites';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { type Backend, backends } from './support/backends.js';
import { checkPage, launch, VIEWS, type View } from './support/console-world.js';
import { jobDone } from './support/job-wait.js';
import { loopbackNode } from './support/nodes.js';
import { sward } from './support/processes.js';

type Row = Record<string, string>;

/** A browser context in `view` with the page's CSP bypassed: only the escaping stands between data and a script. */
const tabContext = (browser: Browser, view: View) =>
  browser.newContext({ viewport: view.viewport, colorScheme: view.colorScheme, bypassCSP: true });

/** A dataset name a customer chose: it is shown on the report page, and must stay text. */
const HOSTILE_NAME = `</title><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;

const shardRows = async (dir: string): Promise<Row[]> => {
  const out: Row[] = [];
  for (const f of readdirSync(join(dir, 'data')).sort())
    out.push(
      ...((await parquetReadObjects({ file: await asyncBufferFromFile(join(dir, 'data', f)) })) as Row[]),
    );
  return out;
};
const jsonLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const tally = (keys: string[]) => {
  const m: Record<string, number> = {};
  for (const k of keys) m[k] = (m[k] ?? 0) + 1;
  return m;
};
const asRecord = (c: { key: string; n: number }[]) => Object.fromEntries(c.map((x) => [x.key, x.n]));

/**
 * Two real crawls (a plain site for training; a site stating terms through every mechanism, crawled for
 * input), a train build named with markup, and an input build of the second crawl as a reference.
 */
async function reportWorld(backend: Backend) {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-report-'));
  const c: RunningCoordinator = await startCoordinator({
    db: await backend.create(),
    dataDir: join(tmp, 'data'),
    log: pino({ level: 'warn' }),
    scheduler: { hostDelayMs: 0, backoffMs: 1 },
  });
  const node: RunningNode = await loopbackNode(c.url, tmp);
  const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
  const sample = await startSampleSite({ pages: 12, crawlDelay: 0 });
  const usage = await startUsagePolicySite();
  const trainJob = (await client.createCrawl({ seed: `${sample.url}/`, maxPages: 40, purpose: 'train' })).id;
  const inputJob = (await client.createCrawl({ seed: `${usage.url}/`, maxPages: 100, purpose: 'input' })).id;
  // both crawls within 150 s (alone they take a few): under the file's 240 s, so a stall names itself
  const deadline = Date.now() + 150_000;
  await jobDone(client, trainJob, deadline);
  await jobDone(client, inputJob, deadline);
  const a = await client.createDatasetBuild({
    from: { jobs: [trainJob, inputJob] },
    purpose: 'train',
    name: HOSTILE_NAME,
  });
  const built = await client.waitForDatasetBuild(a.id, undefined, 100);
  const b = await client.createDatasetBuild({ from: { jobs: [inputJob] }, purpose: 'input', dedup: 0.9 });
  const reference = await client.waitForDatasetBuild(b.id, undefined, 100);
  const dir = join(tmp, 'a');
  const refDir = join(tmp, 'b');
  await downloadDataset(client, built.id, dir);
  await downloadDataset(client, reference.id, refDir);
  return {
    tmp,
    c,
    client,
    built,
    reference,
    dir,
    refDir,
    siteUrl: sample.url,
    async close() {
      await node.stop();
      await c.close();
      await sample.close();
      await usage.close();
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Every figure the report gives, recomputed from the downloaded folder (rows, excluded.jsonl). */
/**
 * Freshness bins as the report must have counted them at `now`: whole hours between each row's capture hour
 * and now's. The shipped sample was captured days before a test runs (and its age grows), so no fixed bin.
 */
function freshnessAt(rows: Record<string, unknown>[], now: number): number[] {
  const hour = 3_600_000;
  const bins = FRESHNESS_BIN_HOURS.map(() => 0);
  for (const r of rows) {
    const age = Math.max(0, Math.floor(now / hour) - Math.floor(Date.parse(String(r.fetched_at)) / hour));
    const i = FRESHNESS_BIN_HOURS.findIndex((max) => age < max);
    bins[i] = (bins[i] ?? 0) + 1;
  }
  return bins;
}

/** `asked`: when the report was requested; it is computed between then and now. */
async function checkFigures(
  f: DatasetFigures,
  dir: string,
  dedup: number,
  buildReport: unknown,
  asked: number,
) {
  const answered = Date.now();
  const rows = await shardRows(dir);
  const excluded = jsonLines(join(dir, 'excluded.jsonl'));
  assert.equal(f.rows, rows.length);
  assert.ok(f.rows > 0);
  assert.equal(
    f.textChars,
    rows.reduce((s, r) => s + String(r.text).length, 0),
  );
  // chars/4 (no CJK text on the test sites)
  assert.equal(
    f.tokens.total,
    rows.reduce((s, r) => s + Math.ceil(String(r.text).length / 4), 0),
  );
  assert.match(f.tokens.estimator, /chars\/4/);
  const domains = tally(rows.map((r) => String(r.domain)));
  assert.equal(f.domains.unique, Object.keys(domains).length);
  assert.deepEqual(asRecord(f.domains.top), domains);
  assert.deepEqual(asRecord(f.languages), tally(rows.map((r) => String(r.language) || 'unknown')));
  assert.deepEqual(asRecord(f.licenses), tally(rows.map((r) => String(r.license))));
  for (const p of ['train', 'input', 'index'] as const)
    assert.equal(
      f.purposes[p],
      rows.filter((r) => String(r.allowed_purposes).split(',').includes(p)).length,
      p,
    );
  const times = rows.map((r) => String(r.fetched_at)).sort();
  assert.equal(f.freshness.oldest, times[0]);
  assert.equal(f.freshness.newest, times.at(-1));
  assert.equal(
    f.freshness.bins.reduce((s, b) => s + b.n, 0),
    rows.length,
  );
  const bins = f.freshness.bins.map((b) => b.n);
  assert.ok(
    [freshnessAt(rows, asked), freshnessAt(rows, answered)].some((e) => e.join() === bins.join()),
    `freshness bins ${bins} from the rows' capture times`,
  );
  assert.equal(
    f.quality.bins.reduce((s, n) => s + n, 0),
    rows.length,
  );
  assert.ok(f.quality.mean !== null && f.quality.mean > 0 && f.quality.mean <= 1);
  // Exclusions: by step as excluded.jsonl lists them, and the same as the build's own report says.
  const steps = tally(excluded.map((e) => String(e.excluded)));
  for (const [k, n] of Object.entries(f.excluded)) assert.equal(n, steps[k] ?? 0, k);
  assert.deepEqual(f.excluded, (buildReport as { excluded: unknown }).excluded);
  const dups = excluded.filter((e) => e.excluded === 'duplicate');
  assert.equal(f.nearDuplicates.exact + f.nearDuplicates.near, dups.length);
  assert.equal(f.nearDuplicates.exact, dups.filter((e) => e.kind === 'exact').length);
  assert.equal(f.nearDuplicates.checked, rows.length + dups.length);
  assert.equal(f.nearDuplicates.threshold, dedup);
  const purpose = excluded.filter((e) => e.excluded === 'purpose');
  assert.equal(f.optOut.excludedForPurpose, purpose.length);
  assert.deepEqual(asRecord(f.optOut.byReason), tally(purpose.map((e) => String(e.reason))));
  // A row states a preference when it names a licence or a purpose's decision rests on a signal.
  const stated = rows.filter(
    (r) =>
      r.license !== 'unspecified' ||
      Object.values(JSON.parse(String(r.usage_reasons)) as Record<string, string>).some(
        (v) => !v.endsWith(':no-signal'),
      ),
  );
  assert.equal(f.optOut.rowsWithPreference, stated.length);
  assert.equal(f.optOut.domainsWithPreference, new Set(stated.map((r) => r.domain)).size);
}

for (const backend of backends())
  describe(`dataset valuation report on ${backend.name}`, () => {
    let w: Awaited<ReturnType<typeof reportWorld>>;
    before(async () => {
      w = await reportWorld(backend);
    });
    after(() => w.close());

    test('every figure matches the build folder, and the reference build is valued the same way', async () => {
      const asked = Date.now();
      const r = await w.client.datasetReport(w.built.id, { reference: w.reference.id });
      assert.equal(r.dataset.source.kind, 'build');
      assert.equal(r.dataset.source.name, HOSTILE_NAME);
      await checkFigures(r.dataset, w.dir, 0.8, w.built.report, asked);
      assert.equal(r.dataset.freshness.bins[0]?.n, r.dataset.rows, 'captured minutes ago: all under a day');
      assert.ok(r.dataset.excluded.purpose >= 3, 'the terms site refused training for some pages');
      assert.ok(r.dataset.excluded.duplicate >= 1, 'the sample site serves duplicates');
      assert.ok(r.reference);
      assert.equal(r.reference.source.id, w.reference.id);
      await checkFigures(r.reference, w.refDir, 0.9, w.reference.report, asked);
      // The reference's own report gives the same figures as when it is the reference.
      const own = await w.client.datasetReport(w.reference.id);
      assert.equal(own.reference, null);
      assert.deepEqual({ ...own.dataset, freshness: null }, { ...r.reference, freshness: null });
    });

    test('the built-in reference is the sample shipped with Sward, valued by the same code', async () => {
      const asked = Date.now();
      const r = await w.client.datasetReport(w.built.id, { reference: 'builtin' });
      assert.equal(r.reference?.source.kind, 'builtin');
      assert.match(r.reference?.source.note ?? '', /test sites/);
      const shipped = new URL('../packages/coordinator/reference-sample/', import.meta.url).pathname;
      const steps = tally(jsonLines(join(shipped, 'excluded.jsonl')).map((e) => String(e.excluded)));
      await checkFigures(
        r.reference as DatasetFigures,
        shipped,
        0.8,
        {
          excluded: Object.fromEntries(DATASET_EXCLUSIONS.map((e) => [e, steps[e] ?? 0])),
        },
        asked,
      );
      assert.ok((r.reference?.rows ?? 0) > 50);
    });

    test("attacks: another tenant's build, a reference of another tenant, a forged reference, a running build", async () => {
      const other = new SwardClient({
        url: w.c.url,
        apiKey: (await w.client.createKey({ tenant: 'other-tenant', name: 'other' })).key,
      });
      const notFound = (e: SwardApiError) => e.code === 'NOT_FOUND';
      await assert.rejects(other.datasetReport(w.built.id), notFound);
      await assert.rejects(other.datasetReportHtml(w.built.id), notFound);
      // The other tenant's own build cannot take mine as its reference.
      const job = await other.createCrawl({ seed: `${w.siteUrl}/`, maxPages: 2, purpose: 'train' });
      await other.waitForJob(job.id, undefined, 100);
      const theirs = await other.createDatasetBuild({ from: { jobs: [job.id] } });
      await other.waitForDatasetBuild(theirs.id, undefined, 100);
      assert.equal((await other.datasetReport(theirs.id)).dataset.source.id, theirs.id);
      await assert.rejects(other.datasetReport(theirs.id, { reference: w.built.id }), notFound);
      await assert.rejects(w.client.datasetReport(w.built.id, { reference: theirs.id }), notFound);
      await assert.rejects(w.client.datasetReport(w.built.id, { reference: 'ds_nope' }), notFound);
      for (const ref of ['../../etc', 'builtin/../x', 'j_notabuild', ''])
        await assert.rejects(
          w.client.datasetReport(w.built.id, { reference: ref }),
          (e: SwardApiError) => e.code === 'BAD_REQUEST' && /reference/.test(e.message),
          ref,
        );
      const res = await fetch(`${w.c.url}/v1/datasets/${w.built.id}/report?reference=builtin&x=1`, {
        headers: { authorization: `Bearer ${w.c.firstApiKey}` },
      });
      assert.equal(res.status, 400);
    });

    test('quality comes from the signals extraction stored with each document', async () => {
      const before = await w.client.datasetReport(w.built.id);
      const [first] = await shardRows(w.dir);
      const id = String(first?.capture_id);
      const row = await w.c.store.db.get<{ doc: string }>('SELECT doc FROM documents WHERE capture_id = ?', [
        id,
      ]);
      assert.ok(row);
      const doc = JSON.parse(row.doc) as Record<string, unknown>;
      // A stored verdict of junk for one row: the row's text in the shard is unchanged.
      doc.quality = qualitySignals({ text: 'Buy now. Great deals.', language: 'en' });
      await w.c.store.db.run('UPDATE documents SET doc = ? WHERE capture_id = ?', [JSON.stringify(doc), id]);
      const after = await w.client.datasetReport(w.built.id);
      assert.ok(
        (after.dataset.quality.mean ?? 1) < (before.dataset.quality.mean ?? 0),
        `${after.dataset.quality.mean} < ${before.dataset.quality.mean}`,
      );
      assert.notDeepEqual(after.dataset.quality.bins, before.dataset.quality.bins);
    });

    test('sward dataset report writes report.json and a report.html rendered from it', async () => {
      const out = join(w.tmp, 'report-out');
      const p = sward([
        'dataset',
        'report',
        w.built.id,
        '--reference',
        'builtin',
        '--out',
        out,
        '--coordinator',
        w.c.url,
        '--api-key',
        w.c.firstApiKey as string,
      ]);
      assert.equal(await p.exited, 0, p.output());
      const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as DatasetValuation;
      assert.equal(json.dataset.rows, w.built.report?.rows);
      assert.equal(json.reference?.source.kind, 'builtin');
      assert.equal(readFileSync(join(out, 'report.html'), 'utf8'), reportPage(json));
      assert.match(p.output(), new RegExp(`rows\\s+${json.dataset.rows}\\s+${json.reference?.rows}`));
      const bad = sward([
        'dataset',
        'report',
        'ds_missing',
        '--coordinator',
        w.c.url,
        '--api-key',
        w.c.firstApiKey as string,
      ]);
      assert.notEqual(await bad.exited, 0);
      assert.match(bad.output(), /ds_missing/);
      assert.ok(!existsSync(join(w.tmp, 'ds_missing')));
    });
  });

/** The page, looked at in Chromium (SQLite: the page renders the JSON the suite above checks on both). */
describe('dataset valuation report page in Chromium', () => {
  let w: Awaited<ReturnType<typeof reportWorld>>;
  let browser: Browser;
  before(async () => {
    const [sqlite] = backends().filter((b) => b.name === 'sqlite');
    w = await reportWorld(sqlite ?? (backends()[0] as Backend));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  test('self-contained, escaped, accessible, readable at 375 px in dark mode; figures match the JSON', async () => {
    const url = `${w.c.url}/v1/datasets/${w.built.id}/report.html?reference=builtin`;
    const head = await fetch(url, { headers: { authorization: `Bearer ${w.c.firstApiKey}` } });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(head.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await head.text();
    assert.doesNotMatch(html, /<(script|link|img|iframe|object|embed)\b|@import|url\(/i, 'nothing loaded');
    const json = await w.client.datasetReport(w.built.id, { reference: 'builtin' });
    for (const view of VIEWS) {
      const ctx = await tabContext(browser, view);
      await ctx.setExtraHTTPHeaders({ authorization: `Bearer ${w.c.firstApiKey}` });
      const page = await ctx.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url);
      assert.deepEqual(requests, [url], 'the page asks for nothing else');
      // bypassCSP is on in these contexts: only the escaping stands between the name and a script.
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      assert.equal(await page.evaluate('document.scripts.length'), 0);
      assert.equal(await page.evaluate('document.images.length'), 0);
      const h1 = (await page.textContent('h1')) ?? '';
      assert.ok(h1.includes(HOSTILE_NAME), h1);
      const cell = async (figure: string, col: 'dataset' | 'reference') =>
        ((await page.textContent(`tr[data-figure="${figure}"] td.${col}`)) ?? '').trim();
      const num = (s: string) => Number(s.replace(/,/g, ''));
      const pctOf = (s: string) => Number.parseFloat(s);
      for (const [col, f] of [
        ['dataset', json.dataset],
        ['reference', json.reference as DatasetFigures],
      ] as const) {
        assert.equal(num(await cell('rows', col)), f.rows);
        assert.equal(num(await cell('tokens', col)), f.tokens.total);
        assert.equal(num(await cell('domains', col)), f.domains.unique);
        assert.equal(await cell('quality-mean', col), f.quality.mean?.toFixed(3));
        assert.equal(num(await cell('dedup-threshold', col)), f.nearDuplicates.threshold);
        assert.ok(
          Math.abs(pctOf(await cell('near-duplicates', col)) - f.nearDuplicates.rate * 100) < 0.051,
          col,
        );
        assert.ok(Math.abs(pctOf(await cell('train', col)) - (f.purposes.train / f.rows) * 100) < 0.051, col);
        assert.ok(
          Math.abs(pctOf(await cell('optout-rows', col)) - (f.optOut.rowsWithPreference / f.rows) * 100) <
            0.051,
        );
        assert.equal(num(await cell('excluded-purpose', col)), f.optOut.excludedForPurpose);
        // hours below two days, then days to one decimal (the captures age with the calendar: 48 h on 2026-12-07)
        const p50 = f.freshness.ageHours?.p50 ?? 0;
        assert.equal(await cell('age-p50', col), p50 < 48 ? `${p50} h` : `${(p50 / 24).toFixed(1)} d`);
      }
      // Each chart is drawn for both, and every histogram speaks its bins.
      assert.equal(await page.locator('svg.hist[role="img"]').count(), 4);
      const label = (await page.locator('svg.hist').first().getAttribute('aria-label')) ?? '';
      assert.match(label, new RegExp(`0\\.9: ${json.dataset.quality.bins[9]} rows`));
      await checkPage(page, 'dataset-report', view);
      await ctx.close();
    }
  });

  test('every value from the data is shown as text: domains, licences, languages, reasons, notes', async () => {
    const bad = (k: string) =>
      `"><script>window.__pwned='${k}'</script><img src=x onerror="window.__pwned='${k}'">`;
    const json = await w.client.datasetReport(w.built.id);
    const f = json.dataset;
    const forged: DatasetValuation = {
      generatedAt: bad('generatedAt'),
      dataset: {
        ...f,
        source: { ...f.source, name: bad('name'), note: bad('note'), id: bad('id') },
        tokens: { ...f.tokens, estimator: bad('estimator') },
        domains: { unique: 1, top: [{ key: bad('domain'), n: f.rows }] },
        languages: [{ key: bad('language'), n: f.rows }],
        licenses: [{ key: bad('licence'), n: f.rows }],
        optOut: { ...f.optOut, byReason: [{ key: bad('reason'), n: 1 }] },
      },
      reference: null,
    };
    const ctx = await tabContext(browser, VIEWS[0] as View);
    const page = await ctx.newPage();
    await page.setContent(reportPage(forged));
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.evaluate('document.scripts.length'), 0);
    assert.equal(await page.evaluate('document.images.length'), 0);
    const text = (await page.textContent('body')) ?? '';
    for (const k of ['name', 'note', 'estimator', 'domain', 'language', 'licence', 'reason', 'generatedAt'])
      assert.ok(text.includes(bad(k)), k);
    assert.ok(((await page.title()) ?? '').includes(bad('name')));
    await ctx.close();
  });
});
