// Issue #15 point 5 for live collections: a collection over a claimed domain with a price pays for every
// page each refresh fetches (a re-fetch is a new capture), split on the ledger among the creator, the
// capturing node's operator and the network; without a max price its pages are skipped with the reason; its
// budget is a running total that bounds all refreshes together. Another tenant can neither set its price nor
// read its charges. A real node fetches a loopback site named pub.test (its resolver maps the name).
// The CLI's commands run in this process (support/cli-in-process.ts), not as `sward` children.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type RunningCoordinator, startCoordinator } from '@sward/coordinator';
import type { RunningNode } from '@sward/node';
import { SwardApiError, SwardClient } from '@sward/sdk';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import { inProcessCli } from './support/cli-in-process.js';
import { ownedWithTerms } from './support/creator-terms.js';
import { refreshAfter, until } from './support/live.js';
import { loopbackNode } from './support/nodes.js';

/** Three hosts under the claimed domain: three origins, so two nodes fetch at once (politeness is per origin). */
const HOSTS = ['a.pub.test', 'b.pub.test', 'c.pub.test'];

/** One article per host with no validators (every refresh gets a 200, a new capture); policy files 404. */
async function articleSite(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/article') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
      return;
    }
    hits.push(`${req.headers.host}${path}`);
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<html><head><title>Article ${path}</title></head><body><h1>Article ${path}</h1><p>${'Words of the article. '.repeat(20)}</p></body></html>`,
      );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

const status = (code: number) => (e: unknown) => e instanceof SwardApiError && e.status === code;
const sward = inProcessCli();
after(() => sward.close());

for (const backend of backends())
  describe(`collection charges under creators' terms: ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-colprice-'));
    let co: RunningCoordinator;
    let nodes: RunningNode[] = [];
    let site: Awaited<ReturnType<typeof articleSite>>;
    after(async () => {
      for (const n of nodes) await n.stop();
      await co?.close();
      site?.server.close();
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('each refreshed page is charged and split; no maxPrice skips with the reason; the budget bounds all refreshes; other tenants see nothing', async () => {
      site = await articleSite();
      co = await startCoordinator({
        db: await backend.create(),
        dataDir: tmp,
        log: pino({ level: 'silent' }),
        scheduler: { hostDelayMs: 10, leaseMs: 10_000 },
        checkpoints: { everyMs: 3_600_000 },
        collections: { minIntervalMs: 1000, tickMs: 100 },
        // Every page a creator was not paid for is drawn for a spot check: a paid page must never be, or
        // another node fetches it again for nobody's money (the site would serve more than was bought).
        spotChecks: { rate: 1 },
      });
      // USD 10 per 1,000 pages (0.01 a page), 60 % to the creator; a live collection's purpose is `input`
      await ownedWithTerms(co.store, 'pub-owner', 'pub.test', {
        license: 'CC-BY-4.0',
        purposes: ['input'],
        pricePer1000PagesUsd: '10',
        royaltyShare: 0.6,
      });
      // two nodes of different operators, both resolving the claimed domain's hosts to the loopback site
      const resolver = async (h: string) =>
        HOSTS.includes(h) ? [{ address: '127.0.0.1', family: 4 }] : Promise.reject(new Error(`no ${h}`));
      nodes = await Promise.all(
        ['n1', 'n2'].map((d) => {
          mkdirSync(join(tmp, d));
          return loopbackNode(co.url, join(tmp, d), {}, { resolver });
        }),
      );
      const owner = new SwardClient({ url: co.url, apiKey: co.firstApiKey as string });
      const sources = HOSTS.map((h) => `http://${h}:${site.port}/article`);

      // 1. No maxPrice: the owner never agreed to pay, so no page of the domain is fetched; the reason shows.
      const unpaid = await owner.createCollection({ name: 'unpaid', sources, every: '1h' });
      assert.deepEqual(unpaid.spending, { maxPrice: null, budget: null, spent: '0' });
      await refreshAfter(co, unpaid.id, 0);
      const shown = await owner.collection(unpaid.id);
      assert.equal(shown.pages, 0);
      assert.equal(shown.freshness.unpaidPages.length, 3);
      for (const p of shown.freshness.unpaidPages) {
        assert.equal(p.reason, 'creator:price-above-max');
        assert.match(String(p.detail), /asks USD 0\.01 a page; the job's --max-price is not set/);
      }
      assert.deepEqual(site.hits, [], 'nothing of the priced domain was fetched');
      await owner.pauseCollection(unpaid.id, true);

      // 2. A ceiling and a budget of 7.5 pages in all: 3 + 3 pages, then 1 of the third refresh, then none.
      const paid = await owner.createCollection({
        name: 'paid',
        sources,
        every: '1h',
        maxPrice: '0.02',
        budget: '0.075',
      });
      const rounds = [await refreshAfter(co, paid.id, 0)];
      for (let i = 0; i < 3; i++) {
        const t = Date.now();
        await owner.refreshCollection(paid.id);
        rounds.push(await refreshAfter(co, paid.id, t));
      }
      const { spending, charges } = await owner.collectionCharges(paid.id);
      assert.deepEqual(spending, { maxPrice: '0.02', budget: '0.075', spent: '0.07' });
      assert.deepEqual(
        rounds.map((job) => charges.filter((ch) => ch.jobId === job).length),
        [3, 3, 1, 0],
        'every refresh pays for each page it fetches again, until the budget is spent',
      );
      for (const ch of charges) {
        assert.deepEqual(
          [ch.price, ch.creator, ch.operator, ch.network],
          ['0.01', '0.006', '0.0028', '0.0012'],
        );
        assert.deepEqual([ch.domain, ch.version], ['pub.test', 1]);
      }
      assert.equal(new Set(charges.map((ch) => ch.captureId)).size, 7, 'seven captures, one charge each');
      const checks = await co.store.db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM urls WHERE kind = 'spotcheck'",
      );
      assert.equal(Number(checks?.n), 0, 'no page a creator was paid for is queued for a spot check');
      assert.equal(
        site.hits.length,
        7,
        `the site served seven pages, no more: ${site.hits.join(' ')} / ${charges.map((ch) => ch.url).join(' ')}`,
      );
      const last = (await owner.collection(paid.id)).freshness.unpaidPages;
      assert.equal(last.length, 3, JSON.stringify(last));
      assert.ok(last.every((p) => p.reason === 'creator:budget-exhausted'));

      // The ledger: the customer paid 0.07; the creator, the node's operator and the network got their parts.
      const operators = new Set<string>();
      for (const n of nodes) {
        const r = await co.store.db.get<{ operator: string }>('SELECT operator FROM nodes WHERE id = ?', [
          n.id,
        ]);
        if (r?.operator) operators.add(r.operator);
      }
      assert.equal(operators.size, 2, 'each node has its own operator key');
      const ledger = co.rewards.ledger;
      assert.equal(await ledger.balance('cust:default'), -70_000);
      assert.equal(await ledger.balance('creator:pub-owner'), 42_000);
      let operatorsGot = 0;
      for (const o of operators) operatorsGot += await ledger.balance(`op-usd:${o}`);
      assert.equal(operatorsGot, 19_600, "the capturing nodes' operators, 0.0028 a page");
      assert.equal(await ledger.balance('net-usd'), 8_400);
      const audit = await ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);

      // 3. Raising the budget lets the next refresh spend what is left of the new running total only.
      await owner.setCollectionPricing(paid.id, { budget: '0.1' });
      const t = Date.now();
      await owner.refreshCollection(paid.id);
      const more = await refreshAfter(co, paid.id, t);
      const after3 = await owner.collectionCharges(paid.id);
      assert.equal(after3.charges.filter((ch) => ch.jobId === more).length, 3);
      assert.equal(after3.spending.spent, '0.1');

      // 4. Another tenant: the collection is not there for it, neither to price nor to read its charges.
      const mallory = new SwardClient({
        url: co.url,
        apiKey: (
          await co.store.auth.createApiKey({
            name: 'mallory',
            tenant: 'mallory',
            role: 'customer',
            scopes: ['collections'],
          })
        ).key,
      });
      await assert.rejects(
        mallory.setCollectionPricing(paid.id, { maxPrice: '5', budget: null }),
        status(404),
      );
      await assert.rejects(mallory.setCollectionPricing(unpaid.id, { maxPrice: '5' }), status(404));
      await assert.rejects(mallory.collectionCharges(paid.id), status(404));
      assert.deepEqual((await owner.collection(paid.id)).spending, {
        maxPrice: '0.02',
        budget: '0.1',
        spent: '0.1',
      });
      assert.equal((await owner.collection(unpaid.id)).spending.maxPrice, null);

      // Bad input is refused with what is wrong, and changes nothing.
      await assert.rejects(owner.setCollectionPricing(unpaid.id, { budget: '1' }), (e: unknown) => {
        assert.ok(e instanceof SwardApiError && e.status === 400);
        assert.match(e.message, /budget needs maxPrice/);
        return true;
      });
      await assert.rejects(owner.setCollectionPricing(paid.id, { maxPrice: '0.0000001' }), (e: unknown) => {
        assert.ok(e instanceof SwardApiError && e.status === 400);
        assert.match(e.message, /maxPrice: expected a decimal amount in USD/);
        return true;
      });
      await assert.rejects(owner.setCollectionPricing(paid.id, { maxPrice: null }), status(400));
      await assert.rejects(
        owner.createCollection({ name: 'x', sources, budget: '1' }),
        (e: unknown) =>
          e instanceof SwardApiError && e.status === 400 && /budget needs maxPrice/.test(e.message),
      );
      assert.equal((await owner.collection(paid.id)).spending.maxPrice, '0.02');

      // 5. The same through the CLI: show, pricing (set and clear), charges, create with the flags.
      const env = { SWARD_COORDINATOR: co.url, SWARD_API_KEY: co.firstApiKey as string };
      const cli = async (args: string[]) => {
        const r = await sward.run(args, { env });
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
        return r.out;
      };
      assert.match(
        await cli(['collection', 'show', unpaid.id]),
        /pays nothing[\s\S]*unpaid page http:\/\/a\.pub\.test:\d+\/article: creator:price-above-max/,
      );
      const priced = JSON.parse(
        await cli(['collection', 'pricing', unpaid.id, '--max-price', '0.03', '--budget', '0.5', '--json']),
      );
      assert.deepEqual(priced.spending, { maxPrice: '0.03', budget: '0.5', spent: '0' });
      const cleared = JSON.parse(await cli(['collection', 'pricing', unpaid.id, '--no-budget', '--json']));
      assert.deepEqual(cleared.spending, { maxPrice: '0.03', budget: null, spent: '0' });
      const bill = await cli(['collection', 'charges', paid.id]);
      assert.match(bill, /^spent USD 0\.1 of USD 0\.1; at most USD 0\.02 a page\n/);
      assert.equal(
        bill.match(/USD 0\.01 \(creator 0\.006, operator 0\.0028, network 0\.0012\)/g)?.length,
        10,
      );
      // a budget of nothing: the collection exists, priced pages are never fetched for it
      const made = JSON.parse(
        await cli([
          'collection',
          'create',
          'cli',
          '--source',
          sources[0] as string,
          '--every',
          '1h',
          '--max-price',
          '0.02',
          '--budget',
          '0',
          '--json',
        ]),
      );
      assert.deepEqual(made.spending, { maxPrice: '0.02', budget: '0', spent: '0' });
      await refreshAfter(co, made.id, 0);
      assert.equal((await owner.collectionCharges(made.id)).charges.length, 0);
      assert.equal(await ledger.balance('cust:default'), -100_000);
      await until('no refresh running', async () => !(await owner.collection(paid.id)).refreshing);
    });
  });
