import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import { signRequest } from '@sward/core';
import type { RunningNode } from '@sward/node';
import { type JobInfo, type SkipRow, SwardClient } from '@sward/sdk';
import { type PayPerCrawlSite, startPayPerCrawlSite } from '@sward/testsites';
import { pino } from 'pino';
import { listedBotKey } from './support/bot-keys.js';
import { loopbackNode } from './support/nodes.js';
import { type Proc, sward, swardNodeArgs } from './support/processes.js';

/**
 * Pay-per-crawl and RSL licence tokens end to end (issue #15 point 3): a real coordinator, real nodes and
 * loopback sites that charge the way Cloudflare's pay-per-crawl does and demand a verified Web Bot Auth
 * signature covering the price offered. What the sites charged is what the ledger debits; a page above the
 * price or beyond the budget is skipped with its reason; several node processes fetching at once never
 * spend past the budget; a licence token goes to its origin only and never into an output or a log.
 */
describe('pay-per-crawl', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-ppc-'));
  const TOKEN = 'rsl-token-5ecret-do-not-leak';
  let c: RunningCoordinator;
  let client: SwardClient;
  let node: RunningNode;
  let site: PayPerCrawlSite;
  let other: PayPerCrawlSite;
  let logged = '';

  before(async () => {
    // Everything the coordinator logs, to check that no licence token is ever in it.
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logged += chunk.toString();
        cb();
      },
    });
    c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'debug' }, sink),
      scheduler: { hostDelayMs: 0 },
    });
    client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    node = await loopbackNode(c.url, tmp);
    site = await startPayPerCrawlSite({ trustedAgents: [c.url], licenseToken: TOKEN });
    other = await startPayPerCrawlSite({ trustedAgents: [c.url], licenseToken: TOKEN });
  });
  after(async () => {
    await node?.stop();
    await site?.close();
    await other?.close();
    await c?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const crawl = async (req: Parameters<SwardClient['createCrawl']>[0]) => {
    const job = await client.createCrawl(req);
    const done = await client.waitForJob(job.id, undefined, 100);
    const pages: string[] = [];
    for await (const p of client.pages(job.id)) pages.push(new URL(p.url).pathname);
    const skipped: SkipRow[] = [];
    for await (const s of client.skipped(job.id)) skipped.push(s);
    return { job: done, pages: pages.sort(), skipped };
  };
  const reasons = (skipped: SkipRow[]) =>
    Object.fromEntries(skipped.map((s) => [new URL(s.url).pathname, s.reason]));
  const drawnFor = async (captureId: string) =>
    !!(await c.store.db.get('SELECT 1 AS x FROM spot_check_draws WHERE capture_id = ?', [captureId]));
  const ledger = (account: string) =>
    c.store.db.get<{ s: number | null }>('SELECT SUM(amount) AS s FROM rw_entries WHERE account = ?', [
      account,
    ]);

  test('pays within --max-price (up front, and on a 402 with the exact price), skips dearer pages, debits the ledger', async () => {
    const before = site.charges.length;
    const { job, pages, skipped } = await crawl({
      seed: `${site.url}/`,
      maxPrice: '0.05',
      licenseTokens: [{ origin: site.url, token: TOKEN }],
    });
    const paths = (area: string) => [0, 1, 2].map((i) => `/${area}/${i}`);
    assert.deepEqual(
      pages,
      ['/', ...paths('exact'), ...paths('free'), ...paths('licensed'), ...paths('paid')].sort(),
      'free, paid, exact-price and licensed pages are stored',
    );
    const r = reasons(skipped);
    for (const p of paths('pricey'))
      assert.equal(r[p], 'price_above_max', `${p}: ${JSON.stringify(skipped)}`);
    assert.match(skipped.find((s) => s.reason === 'price_above_max')?.detail ?? '', /crawler-price: USD 1/);

    // What the site charged is what the job recorded and the ledger debited from the tenant, to the site.
    const charged = site.charges.slice(before);
    assert.equal(charged.length, 6, 'three /paid/ and three /exact/ pages charged once each');
    assert.deepEqual(job.spend, { spent: '0.06', held: '0', budget: null });
    assert.equal(Number((await ledger('cust:default'))?.s), -60_000);
    assert.equal(Number((await ledger(`site:${encodeURIComponent(site.url)}`))?.s), 60_000);
    const kinds = await c.store.db.all<{ kind: string }>(
      "SELECT DISTINCT kind FROM rw_entries WHERE account LIKE 'cust:%'",
    );
    assert.deepEqual(kinds, [{ kind: 'crawl_charge' }]);

    // The charge is inside what the node signed: the page's capture carries the offer and crawler-charged.
    const rows = [];
    for await (const p of client.pages(job.id)) rows.push(p);
    const exact = rows.find((p) => p.url.endsWith('/exact/0'))?.signedCapture.capture as {
      access: { offer: { header: string; price: string }; charged: string };
    };
    assert.deepEqual(exact.access.offer, { header: 'crawler-exact-price', price: 'USD 0.01' });
    assert.equal(exact.access.charged, 'USD 0.01');
    const paid = rows.find((p) => p.url.endsWith('/paid/0'))?.signedCapture.capture as typeof exact;
    assert.deepEqual(paid.access.offer, { header: 'crawler-max-price', price: 'USD 0.05' });

    // Pages paid for, or fetched with the job's licence token (every page of this origin), are never drawn
    // for a spot check: a checker would pay again, or lack the token, and its answer would pass for a
    // disagreement. (The next test sees the free pages of another origin drawn.)
    for (const p of rows) assert.equal(await drawnFor(p.captureId), false, `${p.url} is not drawn`);
    // Every paid answer went to a verified crawler whose signature covered the price it offered.
    const paidRequests = site.requests.filter((q) => q.status === 200 && /\/(paid|exact)\//.test(q.path));
    for (const q of paidRequests) {
      const input = String(q.headers['signature-input']);
      const header = q.headers['crawler-exact-price'] ? 'crawler-exact-price' : 'crawler-max-price';
      assert.ok(input.includes(`"${header}"`), `${q.path}: ${header} is covered: ${input}`);
    }
    // /exact/ ignores crawler-max-price: the first answer is a 402 with the price, the node asks again.
    const exactTries = site.requests.filter((q) => q.path === '/exact/1').map((q) => q.status);
    assert.deepEqual(exactTries, [402, 200]);
  });

  test('a licence token goes to its origin only, and never into the job, an output or a log', async () => {
    const { job, pages, skipped } = await crawl({
      seed: `${other.url}/`,
      maxPages: 20,
      // A token for the first site only: the second site is never sent it.
      licenseTokens: [{ origin: site.url, token: TOKEN }],
    });
    assert.ok(!pages.includes('/licensed/0'));
    const r = reasons(skipped);
    assert.equal(r['/licensed/0'], 'license_required');
    assert.match(
      skipped.find((s) => s.reason === 'license_required')?.detail ?? '',
      /WWW-Authenticate: License/,
    );
    // No --max-price: a priced page is skipped as payment_required, and nothing is paid.
    assert.equal(r['/paid/0'], 'payment_required');
    assert.equal(job.spend, undefined);
    for (const q of other.requests)
      assert.equal(q.headers.authorization, undefined, `${q.path} got no token`);
    for (const q of other.requests) assert.equal(q.headers['crawler-max-price'], undefined);
    const stored = await collect(client.pages(job.id));
    const free = stored.find((p) => p.url.endsWith('/free/0'));
    assert.ok(free && (await drawnFor(free.captureId)), 'a page neither paid nor licensed is drawn as ever');

    // Sent to its own origin (the first test's crawl)...
    assert.ok(site.requests.some((q) => q.headers.authorization === `License ${TOKEN}`));
    // ...and nowhere else: not in what the API shows of jobs, not in pages or skip rows, not in any log.
    const shown = JSON.stringify([await client.jobs(), job, await collect(client.pages(job.id)), skipped]);
    assert.ok(!shown.includes(TOKEN), 'the API never shows the token');
    assert.ok(!logged.includes(TOKEN), 'the coordinator never logs it');
    assert.ok(!readFileSync(join(tmp, 'node.log'), 'utf8').includes(TOKEN), 'the node never logs it');
    const listed = (await client.jobs()).jobs.find((j: JobInfo) => j.options.maxPrice === '0.05');
    assert.ok(listed && !('licenseTokens' in listed.options));
  });

  test("the test site's paid paths demand a verified signature that covers the price offered", async () => {
    const { keyid, privateKey, expires } = await listedBotKey(c, join(tmp, 'data'));
    const url = new URL(`${site.url}/paid/0`);
    const get = async (headers: Record<string, string>) => {
      const res = await fetch(url, { headers });
      return {
        status: res.status,
        error: res.headers.get('crawler-error'),
        price: res.headers.get('crawler-price'),
      };
    };
    const signed = (covered: Record<string, string>, sent: Record<string, string> = covered) => ({
      ...signRequest(
        privateKey,
        url,
        c.url,
        { created: now(), expires: Math.min(expires, now() + 300), keyid },
        covered,
      ),
      ...sent,
    });
    const max = { 'crawler-max-price': 'USD 0.05' };
    const before = site.charges.length;
    function now() {
      return Math.floor(Date.now() / 1000);
    }
    assert.deepEqual(await get(max), { status: 400, error: 'StrongAuthRequired', price: null });
    // signed, but the price header is not covered by the signature: anyone could have added it
    assert.deepEqual(await get(signed({}, max)), { status: 400, error: 'InvalidSignature', price: null });
    assert.deepEqual(await get(signed({ 'crawler-max-price': 'USD five' })), {
      status: 400,
      error: 'InvalidCrawlerPriceValue',
      price: null,
    });
    assert.deepEqual(await get(signed({ ...max, 'crawler-exact-price': 'USD 0.01' })), {
      status: 400,
      error: 'ConflictingPriceHeaders',
      price: null,
    });
    assert.deepEqual(await get(signed({})), { status: 402, error: 'MissingCrawlerPrice', price: 'USD 0.01' });
    assert.deepEqual(await get(signed({ 'crawler-max-price': 'USD 0.005' })), {
      status: 402,
      error: 'InvalidCrawlerMaxPrice',
      price: 'USD 0.01',
    });
    assert.deepEqual(await get(signed({ 'crawler-exact-price': 'USD 0.02' })), {
      status: 402,
      error: 'InvalidCrawlerExactPrice',
      price: 'USD 0.01',
    });
    assert.equal(site.charges.length, before, 'none of these was charged');
    const ok = await fetch(url, { headers: signed(max) });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('crawler-charged'), 'USD 0.01');
    assert.equal(site.charges.length, before + 1);
    // The licence area: a wrong token is refused with the License challenge and the error.
    const licensed = await fetch(`${site.url}/licensed/0`, { headers: { authorization: 'License wrong' } });
    assert.equal(licensed.status, 401);
    assert.match(licensed.headers.get('www-authenticate') ?? '', /^License .*error="invalid_token"/);
  });

  test('a bad price is refused at the edge, naming the field', async () => {
    for (const [body, field] of [
      [{ seed: `${site.url}/`, maxPrice: '0.1234567' }, 'maxPrice'],
      [{ seed: `${site.url}/`, maxPrice: '-1' }, 'maxPrice'],
      [{ seed: `${site.url}/`, budget: '1' }, 'budget'],
      [
        { seed: `${site.url}/`, licenseTokens: [{ origin: `${site.url}/path`, token: 'x' }] },
        'licenseTokens',
      ],
      [{ seed: `${site.url}/`, licenseTokens: [{ origin: site.url, token: 'has space' }] }, 'licenseTokens'],
    ] as const) {
      const res = await fetch(`${c.url}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.firstApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      assert.equal(res.status, 400, text);
      assert.match(text, new RegExp(field));
      assert.ok(!text.includes('has space'), 'the token is not echoed back');
    }
  });
});

describe('pay-per-crawl: one budget, several node processes at once', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-ppc-budget-'));
  let c: RunningCoordinator;
  const sites: PayPerCrawlSite[] = [];
  const nodes: Proc[] = [];
  before(async () => {
    c = await startCoordinator({
      db: join(tmp, 'db.sqlite'),
      dataDir: join(tmp, 'data'),
      log: pino({ level: 'silent' }),
      // One origin gets one request at a time: the nodes' concurrency comes from the several sites.
      scheduler: { hostDelayMs: 0 },
    });
    for (let i = 0; i < 4; i++)
      sites.push(
        await startPayPerCrawlSite({
          trustedAgents: [c.url],
          pages: { free: 1, paid: 6, exact: 0, pricey: 0, licensed: 0 },
        }),
      );
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    for (const s of sites) await s.close();
    await c?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('spend never passes the budget: holds at lease time, settled by the charge, released on failure', async () => {
    const client = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
    // 24 paid pages of USD 0.01 on 4 origins; the budget pays for 7 of them.
    const job = await client.createCrawl({
      seed: `${sites[0]?.url}/`,
      maxPrice: '0.01',
      budget: '0.07',
      include: sites.map((x) => `${x.url}/**`),
    });
    // The seed links only its own site; the other sites' pages are queued by hand as more seeds would be.
    await c.store.db.transaction((tx) =>
      c.store.frontier.enqueue(
        tx,
        job.id,
        sites.slice(1).map((s) => ({ url: `${s.url}/`, depth: 0 })),
      ),
    );
    for (let i = 0; i < 4; i++) {
      const dir = join(tmp, `node-${i}`);
      mkdirSync(dir);
      // One fetch at a time (and so at most one lease waiting ahead): a node cannot take every paid page.
      nodes.push(sward([...swardNodeArgs(c.url, dir), '--max-concurrent', '1']));
    }
    // Watch the holds while the crawl runs: charged + held never passes the budget.
    let worst = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const b = await c.store.payments.budgetOf(c.store.db, job.id);
        if (b) worst = Math.max(worst, b.spent + b.held);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const done = await client.waitForJob(job.id, undefined, 200);
    watching = false;
    await watch;
    const charges = sites.flatMap((s) => s.charges);
    const total = charges.reduce((s, x) => s + x.micros, 0);
    assert.equal(charges.length, 7, `the sites charged 7 pages: ${JSON.stringify(charges)}`);
    assert.ok(total <= 70_000, `the sites charged ${total} µUSD, within the 70,000 budget`);
    assert.ok(worst <= 70_000, `charged + held peaked at ${worst}`);
    assert.deepEqual(done.spend, { spent: '0.07', held: '0', budget: '0.07' });
    const debit = await c.store.db.get<{ s: number }>(
      "SELECT SUM(amount) AS s FROM rw_entries WHERE account = 'cust:default'",
    );
    assert.equal(Number(debit?.s), -total, 'the ledger debits exactly what the sites charged');
    assert.equal(done.progress?.skippedByReason.budget_exhausted, 24 - 7, JSON.stringify(done.progress));
    assert.deepEqual(done.progress?.failedByReason, {});
    const nodesThatPaid = new Set(charges.map((x) => x.keyid));
    assert.ok(nodesThatPaid.size >= 2, `several nodes paid (${nodesThatPaid.size} keys)`);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
