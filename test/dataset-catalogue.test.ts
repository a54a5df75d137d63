// The dataset catalogue (issue #16 point 4, #15's "charging a dataset download"): builds published as
// owner/name@version, immutable, seen only by the tenants allowed, deprecated with a warning, each new version
// recording what changed; every download metered and paid per the creators' terms of its rows, on the ledger.
// Tried as other tenants and a customer avoiding the charge would.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningCoordinator } from '@sward/coordinator';
import type { Identity, Scope } from '@sward/core';
import { downloadCatalogueFiles, type SwardApiError, type SwardClient, verifyBundleDir } from '@sward/sdk';
import { caller, coordinatorOn, nodeSession, untilDone } from './support/api-call.js';
import { backends } from './support/backends.js';
import { captureUpload } from './support/capture-maker.js';
import { inProcessCli } from './support/cli-in-process.js';
import { ownedWithTerms } from './support/creator-terms.js';
import { sward } from './support/processes.js';
import { tenantClient } from './support/tenant-clients.js';

/** Words unique to a URL and variant: distinct documents (near-duplicate removal keeps each). */
const words = (seed: string) =>
  Array.from({ length: 80 }, (_, i) =>
    createHash('sha256').update(`${seed}:${i}`).digest('hex').slice(0, 8),
  ).join(' ');

/**
 * Works as a node until nothing is leased: policy files 404; a page's body is its own text (`variant` per URL
 * makes a changed page) with links to `links`.
 */
async function serve(
  co: RunningCoordinator,
  node: Identity,
  token: string,
  links: string[],
  variant: (url: string) => string = () => 'a',
) {
  const call = caller(co.app);
  for (let i = 0; i < 50; i++) {
    const { json } = await call('POST', '/v1/nodes/lease', token, { max: 8 });
    if (!json.leases.length) return;
    for (const lease of json.leases) {
      const policy = /robots\.txt$|tdmrep\.json$/.test(lease.url);
      // links on the first page only: the others' bodies change only when their variant does
      const a =
        new URL(lease.url).pathname === '/' ? links.map((l) => `<a href="${l}">${l}</a>`).join(' ') : '';
      const up = policy
        ? captureUpload(node, lease, { status: 404, body: 'no', headers: { 'content-type': 'text/plain' } })
        : captureUpload(node, lease, {
            body: `<html><head><title>${lease.url}</title></head><body><article><h1>${lease.url}</h1><p>${words(
              `${lease.url}#${variant(lease.url)}`,
            )}</p>${a}</article></body></html>`,
          });
      const r = await call('POST', '/v1/nodes/captures', token, up);
      assert.equal(r.status, 200, r.text);
    }
  }
}

const code = (c: string) => (e: SwardApiError) => e.code === c;

for (const [i, backend] of backends().entries())
  describe(`dataset catalogue on ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-catalogue-'));
    let co: RunningCoordinator;
    let stop: () => Promise<void>;
    const clients: Record<string, SwardClient> = {};
    const keys: Record<string, string> = {};
    let build1 = '';
    let build2 = '';
    const balance = (a: string) => co.rewards.ledger.balance(a);
    const money = async () => ({
      beta: await balance('cust:beta'),
      acme: await balance('cust:acme'),
      creator: await balance('creator:pub-owner'),
      operator: await balance('op-usd:alice'),
      network: await balance('net-usd'),
      // the reuse royalty, in points, for the node that made the captures (alice's)
      royalty: await balance('op:alice'),
    });

    before(async () => {
      ({ co, stop } = await coordinatorOn(backend));
      const { node, token } = await nodeSession(co);
      const mk = async (tenant: string, scopes: Scope[]) => {
        const t = await tenantClient(co, tenant, scopes);
        keys[tenant] = t.key;
        clients[tenant] = t.client;
      };
      await mk('acme', ['crawl', 'datasets:publish', 'datasets:read']);
      await mk('beta', ['datasets:read']);
      await mk('mallory', ['crawl', 'datasets:publish', 'datasets:read']);
      await mk('nosy', ['crawl']);
      await mk('pub-owner', ['creator']);
      // USD 10 per 1,000 pages: 0.01 (10,000 micro-USD) a page, 60 % to the creator
      await ownedWithTerms(co.store, 'pub-owner', 'pub.test', {
        license: 'CC-BY-4.0',
        purposes: ['train', 'input', 'index'],
        pricePer1000PagesUsd: '10',
        royaltyShare: 0.6,
      });
      const acme = clients.acme as SwardClient;
      const crawl = async (links: string[], variant?: (u: string) => string) => {
        const job = await acme.createCrawl({
          seed: 'http://pub.test/',
          maxPages: 10,
          maxDepth: 1,
          maxPrice: '0.02',
        });
        await serve(co, node, token, links, variant);
        await untilDone(co.app, keys.acme as string, job.id);
        const b = await acme.createDatasetBuild({ from: { jobs: [job.id] }, dedup: 1 });
        const done = await acme.waitForDatasetBuild(b.id, undefined, 100);
        assert.equal(done.report?.rows, 4, JSON.stringify(done));
        return b.id;
      };
      // version 1: /, /p0, /p1, /p2; version 2: /p0 changed, /p2 gone, /p3 new
      build1 = await crawl(['/p0', '/p1', '/p2']);
      build2 = await crawl(['/p0', '/p1', '/p3'], (u) => (u.endsWith('/p0') ? 'b' : 'a'));
    });
    after(async () => {
      await stop();
      await backend.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('publish: owner/name@version with its rows, licences and the price of a download; a version never changes', async () => {
      const acme = clients.acme as SwardClient;
      const v = await acme.publishDataset({
        build: build1,
        name: 'news',
        version: '1.0.0',
        description: 'pub.test articles',
        visibility: 'tenants',
        tenants: ['beta'],
      });
      assert.equal(v.id, 'acme/news@1.0.0');
      assert.equal(v.rows, 4);
      assert.equal(v.changes, null, 'the first version has nothing to compare with');
      assert.deepEqual(v.licenses, { 'CC-BY-4.0': 4 });
      assert.deepEqual([v.price.pricedRows, v.price.microUsd, v.price.usd], [4, 40_000, '0.04']);
      assert.deepEqual(v.price.terms, [
        { domain: 'pub.test', version: 1, rows: 4, pricePer1000PagesUsd: '10' },
      ]);
      assert.ok(
        v.files.some((f) => f.path === 'pages.jsonl'),
        JSON.stringify(v.files),
      );
      await acme.publishDataset({ build: build1, name: 'secret', version: '1', visibility: 'private' });
      // the same version again, even from another build: refused, the first stays as it was
      await assert.rejects(
        acme.publishDataset({ build: build2, name: 'news', version: '1.0.0' }),
        (e: SwardApiError) => e.code === 'CONFLICT' && /never changes/.test(e.message),
      );
      assert.equal((await acme.catalogueVersion('acme', 'news', '1.0.0')).build, build1);
      // another tenant's build is a missing one; a key without datasets:publish may not publish
      await assert.rejects(
        (clients.mallory as SwardClient).publishDataset({ build: build1, name: 'stolen', version: '1' }),
        code('NOT_FOUND'),
      );
      await assert.rejects(
        (clients.beta as SwardClient).publishDataset({ build: build1, name: 'x', version: '1' }),
        code('FORBIDDEN'),
      );
      await assert.rejects(
        acme.publishDataset({ build: build1, name: '../etc', version: '1' }),
        (e: SwardApiError) => e.code === 'BAD_REQUEST' && /name/.test(e.message),
      );
      await assert.rejects(
        acme.publishDataset({ build: build1, name: 'y', version: '1', visibility: 'tenants' }),
        (e: SwardApiError) => e.code === 'BAD_REQUEST' && /tenants/.test(e.message),
      );
    });

    test('a new version records what changed (by URL and body hash) against the previous one', async () => {
      const v2 = await (clients.acme as SwardClient).publishDataset({
        build: build2,
        name: 'news',
        version: '2.0.0',
        visibility: 'public',
      });
      const c = v2.changes;
      // a message of our own: node's assert would read the transpiled one-line source to make one, and hang
      assert.ok(c, 'the second version records what changed');
      assert.deepEqual(
        [c.previous, c.added, c.removed, c.changed, c.unchanged],
        ['1.0.0', 1, 1, 2, 1],
        JSON.stringify(c),
      );
      assert.deepEqual(
        c.rows.map((r) => [r.change, r.url]),
        [
          ['changed', 'http://pub.test/'],
          ['changed', 'http://pub.test/p0'],
          ['removed', 'http://pub.test/p2'],
          ['added', 'http://pub.test/p3'],
        ],
        'the first page changed its links, p0 its text; p1 is the same',
      );
      const p0 = c.rows[1];
      assert.ok(
        p0 && p0.before.length === 1 && p0.after.length === 1 && p0.before[0] !== p0.after[0],
        JSON.stringify(p0),
      );
      // shown to anyone who may see the version, a page at a time
      const beta = clients.beta as SwardClient;
      assert.deepEqual((await beta.catalogueVersion('acme', 'news', '2.0.0')).changes?.added, 1);
      const page = await beta.catalogueChanges('acme', 'news', '2.0.0', { limit: 2, offset: 2 });
      assert.deepEqual(
        page.map((r) => r.url),
        ['http://pub.test/p2', 'http://pub.test/p3'],
      );
    });

    test("another tenant's private or unshared dataset answers 404 everywhere; no datasets:read, 403", async () => {
      const mallory = clients.mallory as SwardClient;
      const beta = clients.beta as SwardClient;
      assert.deepEqual(
        (await mallory.catalogue()).map((v) => v.id),
        ['acme/news@2.0.0'],
        'only the public version',
      );
      assert.deepEqual(
        (await beta.catalogue()).map((v) => v.id),
        ['acme/news@2.0.0', 'acme/news@1.0.0'],
        'the public one and the one shared with beta, not the private one',
      );
      const pub = await mallory.catalogueVersion('acme', 'news', '2.0.0');
      assert.deepEqual(
        [pub.build, pub.tenants],
        [null, []],
        "the owner's build and share list stay the owner's",
      );
      for (const [who, name, version] of [
        [mallory, 'secret', '1'],
        [mallory, 'news', '1.0.0'],
        [beta, 'secret', '1'],
      ] as const) {
        await assert.rejects(who.catalogueVersion('acme', name, version), code('NOT_FOUND'));
        await assert.rejects(who.catalogueChanges('acme', name, version), code('NOT_FOUND'));
        await assert.rejects(
          who.createCatalogueDownload('acme', name, version, { maxPrice: '100' }),
          code('NOT_FOUND'),
        );
        // beta's key may not publish: refused by its scope before any lookup
        const publishing = who === mallory ? 'NOT_FOUND' : 'FORBIDDEN';
        await assert.rejects(who.deprecateDataset('acme', name, version, 'mine now'), code(publishing));
        await assert.rejects(who.catalogueDownloadsOf('acme', name, version), code(publishing));
      }
      await assert.rejects(mallory.catalogueVersions('acme', 'secret'), code('NOT_FOUND'));
      assert.deepEqual(
        (await beta.catalogueVersions('acme', 'news')).map((v) => v.version),
        ['2.0.0', '1.0.0'],
      );
      // the build's own file route stays the owner's: no way round the download's charge
      await assert.rejects(mallory.datasetFile(build1, 'pages.jsonl'), code('NOT_FOUND'));
      // a visible version of someone else's is not theirs to deprecate or to read the buyers of
      await assert.rejects(mallory.deprecateDataset('acme', 'news', '2.0.0', 'no'), code('FORBIDDEN'));
      await assert.rejects(mallory.catalogueDownloadsOf('acme', 'news', '2.0.0'), code('FORBIDDEN'));
      await assert.rejects((clients.nosy as SwardClient).catalogue(), code('FORBIDDEN'));
    });

    test('a download is paid before any file: no maxPrice or too low is PAYMENT_REQUIRED and charges nothing; the split lands on the ledger; a replay charges nothing, a new download does', async () => {
      const beta = clients.beta as SwardClient;
      const m0 = await money();
      await assert.rejects(
        beta.createCatalogueDownload('acme', 'news', '1.0.0'),
        (e: SwardApiError) =>
          e.code === 'PAYMENT_REQUIRED' &&
          e.status === 402 &&
          /USD 0\.04/.test(e.message) &&
          /maxPrice/.test(e.message),
      );
      await assert.rejects(
        beta.createCatalogueDownload('acme', 'news', '1.0.0', { maxPrice: '0.039999' }),
        (e: SwardApiError) =>
          e.code === 'PAYMENT_REQUIRED' && /more than maxPrice USD 0\.039999/.test(e.message),
      );
      assert.deepEqual(await money(), m0, 'a refused download charges nothing');
      assert.deepEqual(await beta.catalogueDownloads(), [], 'and is not recorded');

      const d = await beta.createCatalogueDownload('acme', 'news', '1.0.0', { maxPrice: '0.05' });
      assert.deepEqual(
        [d.dataset, d.customer, d.rows, d.pricedRows, d.chargedMicroUsd],
        ['acme/news@1.0.0', 'beta', 4, 4, 40_000],
      );
      assert.equal(d.warning, null);
      const m1 = await money();
      // four pages at 10,000: creator 6,000 each, operator 70 % of the rest (2,800), network 1,200
      assert.deepEqual(
        [
          m1.beta - m0.beta,
          m1.creator - m0.creator,
          m1.operator - m0.operator,
          m1.network - m0.network,
          m1.acme - m0.acme,
        ],
        [-40_000, 24_000, 11_200, 4_800, 0],
      );
      // each of the four captures sold again earns alice's node the reuse royalty (a quarter point)
      assert.equal(m1.royalty - m0.royalty, 4 * 250_000);
      const dir = join(tmp, `dl-${i}`);
      const got = await downloadCatalogueFiles(beta, d.id, dir);
      assert.equal(got.files, d.files.length + 1);
      const r = await verifyBundleDir(dir, [], { workers: 0 });
      assert.deepEqual(r.failures, []);
      // the same download again (a retry, a resumed download): the files, no second charge
      await downloadCatalogueFiles(beta, d.id, join(tmp, `dl-again-${i}`));
      assert.deepEqual(await money(), m1, 'a replay of the same download charges nothing');
      const metered = await beta.catalogueDownload(d.id);
      assert.equal(metered.filesServed, 2 * (d.files.length + 1));
      assert.equal(metered.bytesServed, 2 * d.bytes);
      // the download is beta's: another tenant can neither read it nor fetch its files
      const mallory = clients.mallory as SwardClient;
      await assert.rejects(mallory.catalogueDownload(d.id), code('NOT_FOUND'));
      await assert.rejects(mallory.catalogueDownloadFile(d.id, 'pages.jsonl'), code('NOT_FOUND'));
      await assert.rejects(beta.catalogueDownloadFile(d.id, '../../sward.db'), code('NOT_FOUND'));
      // a new download is a new purchase
      const d2 = await beta.createCatalogueDownload('acme', 'news', '1.0.0', { maxPrice: '0.04' });
      assert.notEqual(d2.id, d.id);
      const m2 = await money();
      assert.equal(m2.beta - m1.beta, -40_000);
      assert.equal(m2.royalty - m1.royalty, 4 * 250_000, 'a new download is a new sale');
      // the owner's own download is metered and free (its crawl paid for the pages)
      const own = await (clients.acme as SwardClient).createCatalogueDownload('acme', 'news', '1.0.0');
      assert.deepEqual([own.chargedMicroUsd, own.pricedRows], [0, 0]);
      const m3 = await money();
      assert.equal(m3.acme, m1.acme);
      assert.equal(m3.royalty, m2.royalty, "the owner's own download sells nothing again");
      // who downloaded what: the owner's view of the version
      const buyers = await (clients.acme as SwardClient).catalogueDownloadsOf('acme', 'news', '1.0.0');
      assert.deepEqual(buyers.map((b) => [b.customer, b.chargedMicroUsd]).sort(), [
        ['acme', 0],
        ['beta', 40_000],
        ['beta', 40_000],
      ]);
      const audit = await co.rewards.ledger.audit();
      assert.deepEqual([audit.unbalanced, audit.drifted], [[], []]);
    });

    test("the creator's statement shows what downloads paid, apart from the crawls", async () => {
      const s = await (clients['pub-owner'] as SwardClient).creatorStatement();
      const line = s.lines.find((l) => l.domain === 'pub.test');
      assert.ok(line, JSON.stringify(s));
      assert.equal(line.pages, 8, 'two crawls of four pages');
      assert.deepEqual(line.downloads, { pages: 8, chargedMicroUsd: 80_000, earnedMicroUsd: 48_000 });
      assert.equal(line.earnedMicroUsd, 8 * 6_000 + 48_000);
    });

    test('deprecate: only the owner; still downloadable with a warning; left out of lists unless asked', async () => {
      const acme = clients.acme as SwardClient;
      const beta = clients.beta as SwardClient;
      const v = await acme.deprecateDataset('acme', 'news', '1.0.0', 'p2 was taken down by its author');
      assert.equal(v.deprecated?.reason, 'p2 was taken down by its author');
      await assert.rejects(acme.deprecateDataset('acme', 'news', '1.0.0', 'again'), code('CONFLICT'));
      assert.deepEqual(
        (await beta.catalogue()).map((x) => x.id),
        ['acme/news@2.0.0'],
      );
      assert.deepEqual(
        (await beta.catalogue({ deprecated: true })).map((x) => x.id),
        ['acme/news@2.0.0', 'acme/news@1.0.0'],
      );
      const d = await beta.createCatalogueDownload('acme', 'news', '1.0.0', { maxPrice: '0.04' });
      assert.match(d.warning ?? '', /deprecated .*p2 was taken down/);
    });

    if (i === 0)
      test('sward dataset publish|list|show|deprecate|download go through the SDK', async () => {
        // the commands in this process (support/cli-in-process.ts), the refused download as a real process
        const cli = inProcessCli();
        after(() => cli.close());
        const inProcess = async (args: string[]) => {
          const r = await cli.run(args);
          assert.equal(r.code, 0, r.out + r.err);
          return r.out + r.err;
        };
        const run = (key: string, args: string[]) =>
          inProcess(['dataset', ...args, '--coordinator', co.url, '--api-key', key]);
        const acme = keys.acme as string;
        const beta = keys.beta as string;
        const printed = await run(acme, [
          'publish',
          build2,
          '--name',
          'cli',
          '--version',
          '0.1',
          '--visibility',
          'public',
          '--json',
        ]);
        const pub = JSON.parse(printed.slice(printed.indexOf('{')));
        assert.equal(pub.id, 'acme/cli@0.1');
        assert.match(await run(beta, ['list']), /acme\/cli@0\.1 {2}4 rows {2}public {2}USD 0\.04 a download/);
        assert.match(
          await run(beta, ['show', 'acme/news@2.0.0']),
          /changes since 1\.0\.0: 1 added, 1 removed, 2 changed, 1 unchanged/,
        );
        const out = join(tmp, 'cli-dl');
        const refused = sward([
          'dataset',
          'download',
          'acme/cli@0.1',
          '--out',
          out,
          '--coordinator',
          co.url,
          '--api-key',
          beta,
        ]);
        assert.equal(await refused.exited, 1, refused.output());
        assert.match(refused.output(), /USD 0\.04.*--max-price/);
        assert.match(
          await run(beta, ['download', 'acme/cli@0.1', '--out', out, '--max-price', '0.04']),
          /charged USD 0\.04/,
        );
        assert.deepEqual((await verifyBundleDir(out, [], { workers: 0 })).failures, []);
        assert.match(
          await run(acme, ['deprecate', 'cli@0.1', '--reason', 'superseded']),
          /deprecated acme\/cli@0\.1/,
        );
        // four downloads of four pages by now (two, one deprecated, this one), 6,000 micro-USD each to the creator
        const status = await inProcess([
          'creator',
          'status',
          '--coordinator',
          co.url,
          '--api-key',
          keys['pub-owner'] as string,
        ]);
        assert.match(status, /pub\.test {2}8 pages .*\(downloads: 16 pages, earned USD 0\.096\)/);
      });
  });
