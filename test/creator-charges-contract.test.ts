// Creators' prices on the ledger (issue #15 point 5): a stored page of a claimed domain is charged its terms'
// price, split among the creator, the capturing node's operator and the network, in micro-USD; the job's
// --max-price and --budget bound it as they bound sites' prices, however many claims run at once; the purpose
// a customer declares changes nothing of it. Tried as a customer avoiding the charge would.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CreatorPageFlow, Creators, splitPagePrice } from '@sward/coordinator';
import { coordinatorWithNode, untilDone, work } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { ownedWithTerms } from './support/creator-terms.js';
import { claimInRounds, jobOverOrigins, twoReplicas } from './support/paying-origins.js';

test('the split: creator royalty rounded down, 70 % of the rest to the operator, the network the remainder', () => {
  assert.deepEqual(splitPagePrice({ pricePer1000PagesUsd: '10', royaltyShare: 0.6 }), {
    price: 10_000,
    creator: 6_000,
    operator: 2_800,
    network: 1_200,
  });
  // 0.007 a thousand: 7 micro-USD a page; 1/3 of it is 2.33: 2 to the creator, 3 (70 % of 5, down) to the
  // operator, 2 to the network
  assert.deepEqual(splitPagePrice({ pricePer1000PagesUsd: '0.007', royaltyShare: 0.333333 }), {
    price: 7,
    creator: 2,
    operator: 3,
    network: 2,
  });
  assert.deepEqual(splitPagePrice({ pricePer1000PagesUsd: '0', royaltyShare: 1 }), {
    price: 0,
    creator: 0,
    operator: 0,
    network: 0,
  });
});

for (const backend of backends())
  describe(`creator charges: ${backend.name}`, () => {
    test('stored pages are charged and split on a balanced ledger; the budget bounds it; no --max-price, no page; any purpose pays', async () => {
      const { co, node, token, key, call } = await coordinatorWithNode(backend);
      // USD 10 per 1,000 pages: 0.01 (10,000 micro-USD) a page, 60 % to the creator; every purpose allowed
      await ownedWithTerms(co.store, 'pub-owner', 'pub.test', {
        license: 'CC-BY-4.0',
        purposes: ['train', 'input', 'index'],
        pricePer1000PagesUsd: '10',
        royaltyShare: 0.6,
      });
      const job = async (body: Record<string, unknown>) => {
        const r = await call('POST', '/v1/jobs', key, body);
        assert.equal(r.status, 201, r.text);
        return r.json.id as string;
      };
      const links = Array.from({ length: 9 }, (_, i) => `<a href="/p${i}">p${i}</a>`).join(' ');
      // no --max-price: the customer never agreed to pay, so the domain's pages are not fetched
      const unpaid = await job({ seed: 'http://www.pub.test/', maxPages: 20, maxDepth: 1, purpose: 'index' });
      // the cheapest-looking purpose, a generous ceiling, and a budget for three and a half pages
      const paid = await job({
        seed: 'http://pub.test/',
        maxPages: 20,
        maxDepth: 1,
        purpose: 'index',
        maxPrice: '0.02',
        budget: '0.035',
      });
      // a ceiling under the creator's price
      const cheap = await job({
        seed: 'http://pub.test/cheap',
        maxPages: 1,
        maxDepth: 0,
        purpose: 'train',
        maxPrice: '0.005',
      });
      // a page of a domain with no terms is free, as before
      const other = await job({ seed: 'http://other.test/', maxPages: 1, maxDepth: 0, maxPrice: '0.02' });
      await work(co, node, token, links);
      for (const id of [unpaid, paid, cheap, other]) await untilDone(co.app, key, id);

      const reasons = async (id: string) =>
        (await co.store.captures.skipped(id, 0, 50)).map((s) => `${s.reason}: ${s.detail}`);
      assert.match(
        (await reasons(unpaid))[0] ?? '',
        /^creator:price-above-max: the domain's owner asks USD 0\.01 a page; the job's --max-price is not set \(terms v1 of pub\.test/,
      );
      assert.match((await reasons(cheap))[0] ?? '', /^creator:price-above-max: .*--max-price is USD 0\.005/);
      const stored = (await call('GET', `/v1/jobs/${paid}`, key)).json.stored as number;
      assert.equal(stored, 3, 'three pages fit a budget of 0.035 at 0.01 each');
      assert.ok(
        (await reasons(paid)).some((r) => r.startsWith('creator:budget-exhausted')),
        (await reasons(paid)).join('\n'),
      );

      const ledger = co.rewards.ledger;
      const budget = await co.store.payments.budgetOf(co.store.db, paid);
      assert.equal(budget?.spent, 30_000, "the creator's charges count against the budget");
      // The customer tenant of the first key is 'default'; its node's operator is 'alice' (nodeSession).
      assert.equal(await ledger.balance('cust:default'), -30_000);
      assert.equal(await ledger.balance('creator:pub-owner'), 18_000);
      assert.equal(await ledger.balance('op-usd:alice'), 8_400);
      assert.equal(await ledger.balance('net-usd'), 3_600);
      const audit = await ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
      // money and points stay apart: the operator's points account got work points, not dollars
      assert.ok((await ledger.balance('op:alice')) > 0);
    });

    test('a redirect from a free domain into a priced one is not stored, so it is not a way round the price', async () => {
      const { co, node, token, key, call } = await coordinatorWithNode(backend);
      await ownedWithTerms(co.store, 'pub-owner', 'pub.test', {
        license: 'CC-BY-4.0',
        purposes: ['train'],
        pricePer1000PagesUsd: '10',
        royaltyShare: 0.6,
      });
      const r = await call('POST', '/v1/jobs', key, {
        seed: 'http://free.test/go',
        maxPages: 1,
        maxDepth: 0,
        maxPrice: '0.02',
      });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id as string;
      // a node (or the free site) sends the page on to the priced domain
      for (let i = 0; i < 10; i++) {
        const { json } = await call('POST', '/v1/nodes/lease', token, { max: 8 });
        if (!json.leases.length) break;
        for (const lease of json.leases) {
          const page = lease.url === 'http://free.test/go';
          const up = page
            ? captureUpload(node, lease, {
                finalUrl: 'http://pub.test/article',
                redirects: [{ url: lease.url, status: 301, location: 'http://pub.test/article' }],
              })
            : captureUpload(node, lease, {
                status: 404,
                body: 'no',
                headers: { 'content-type': 'text/plain' },
              });
          const a = await call('POST', '/v1/nodes/captures', token, up);
          assert.equal(a.status, 200, a.text);
        }
      }
      await untilDone(co.app, key, id);
      const skipped = await co.store.captures.skipped(id, 0, 10);
      assert.deepEqual(
        skipped.map((s) => s.reason),
        ['creator:redirected-into-terms'],
      );
      assert.match(String(skipped[0]?.detail), /under the terms of pub\.test \(v1/);
      assert.equal(await co.rewards.ledger.balance('creator:pub-owner'), 0);
    });

    test('the price held for a lease includes the creator price, across replicas: holds never pass the budget', async () => {
      const { a, b, close } = await twoReplicas(backend);
      after(async () => {
        await close();
        await backend.cleanup();
      });
      // 30 subdomains of one claimed domain: 30 origins that may be leased at once, all under its terms
      await ownedWithTerms(a, 'pub-owner', 'many.test', {
        license: 'CC-BY-4.0',
        purposes: ['train'],
        pricePer1000PagesUsd: '10',
        royaltyShare: 0.5,
      });
      const jobId = await jobOverOrigins(
        a,
        Array.from({ length: 30 }, (_, i) => `http://s${i}.many.test`),
        { maxPrice: '0.01', budget: '0.05' },
      );
      const leases = await claimInRounds([a, b], async (round) => {
        const held = (await a.payments.budgetOf(a.db, jobId))?.held ?? -1;
        assert.ok(held <= 50_000, `held ${held} after round ${round}`);
      });
      const pages = leases.filter((l) => l.kind === 'page');
      assert.equal(
        pages.length,
        5,
        `five pages at 0.01 fit 0.05: ${JSON.stringify(pages.map((l) => l.url))}`,
      );
      // the creator's price fills the ceiling: nothing is left to offer the site
      assert.ok(
        pages.every((l) => l.access?.maxPrice === 'USD 0'),
        JSON.stringify(pages.map((l) => l.access)),
      );
      // each lease names the terms version it went out under, for its capture's receipt
      const flow = new CreatorPageFlow(new Creators(a.db));
      for (const l of pages) assert.equal((await flow.termsOfLease(a.db, l.leaseId))?.version, 1);
    });
  });
