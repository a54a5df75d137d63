import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { payReuseRoyalty, REUSE_ROYALTY_MICRO, type RunningCoordinator } from '@sward/coordinator';
import type { RunningNode } from '@sward/node';
import { type JobInfo, SwardClient } from '@sward/sdk';
import {
  type PayPerCrawlSite,
  type SampleSite,
  startPayPerCrawlSite,
  startSampleSite,
} from '@sward/testsites';
import { pino } from 'pino';
import { backends } from './support/backends.js';
import { loopbackNode } from './support/nodes.js';
import { sward } from './support/processes.js';

const TOKEN = 'reuse-test-token';

/**
 * Archive reuse (issue #16 point 2) end to end: tenant "default" crawls; tenant "globex" crawls the same
 * pages with --max-age and gets the very same signed captures (sward verify checks them), counted as taken
 * from the archive; the capturing node's operator earns the reuse royalty once per sale, never for a tenant
 * reusing its own captures; pages fetched with a licence token or paid for are never handed to another
 * customer; a taken-down page is never handed out.
 */
for (const backend of backends())
  describe(`archive reuse on ${backend.name}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sward-reuse-'));
    let c: RunningCoordinator;
    let node: RunningNode;
    let site: SampleSite;
    let paid: PayPerCrawlSite;
    let licensed: PayPerCrawlSite;
    let owner: SwardClient;
    let globexKey = '';
    let globex: SwardClient;

    before(async () => {
      c = await startCoordinator();
      node = await loopbackNode(c.url, tmp);
      owner = new SwardClient({ url: c.url, apiKey: c.firstApiKey as string });
      globexKey = (
        await c.store.auth.createApiKey({
          name: 'globex',
          tenant: 'globex',
          role: 'customer',
          scopes: ['crawl'],
        })
      ).key;
      globex = new SwardClient({ url: c.url, apiKey: globexKey });
      site = await startSampleSite({ pages: 4, crawlDelay: 0 });
      paid = await startPayPerCrawlSite({
        trustedAgents: [c.url],
        licenseToken: TOKEN,
        pages: { free: 1, paid: 1, exact: 0, pricey: 0, licensed: 0 },
      });
      licensed = await startPayPerCrawlSite({
        trustedAgents: [c.url],
        licenseToken: TOKEN,
        pages: { free: 1, paid: 0, exact: 0, pricey: 0, licensed: 1 },
      });
    });
    after(async () => {
      await node?.stop();
      await site?.close();
      await paid?.close();
      await licensed?.close();
      await c?.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    async function startCoordinator() {
      const { startCoordinator: start } = await import('@sward/coordinator');
      return start({
        db: await backend.create(),
        dataDir: join(tmp, 'data'),
        log: pino({ level: 'warn' }),
        scheduler: { hostDelayMs: 0, backoffMs: 1 },
      });
    }

    /** Runs a crawl to its end and seals it (every capture in the log, as reuse requires). */
    const crawl = async (client: SwardClient, req: Parameters<SwardClient['createCrawl']>[0]) => {
      const job = await client.createCrawl(req);
      const done = await client.waitForJob(job.id, undefined, 100);
      await client.seal(job.id);
      const pages = [];
      for await (const p of client.pages(job.id)) pages.push(p);
      return { job: done, pages };
    };
    const royalties = async () =>
      c.store.db.all<{ memo: string; ref: string; account: string; amount: number }>(
        `SELECT t.memo, t.ref, e.account, e.amount FROM rw_transactions t JOIN rw_entries e ON e.tx_id = t.id
         WHERE e.kind = 'reuse_royalty' ORDER BY t.id`,
      );
    /** Requests the site got for these pages' paths. */
    const hitsOn = (s: SampleSite, urls: readonly string[]) => {
      const paths = new Set(urls.map((u) => new URL(u).pathname));
      return s.hits.all.filter((h) => paths.has(h.path.split('?')[0] as string)).length;
    };

    let first: { job: JobInfo; pages: Awaited<ReturnType<typeof crawl>>['pages'] } | undefined;

    test('another tenant gets the same signed captures from the archive: reused, counted, verified; the node earns the royalty once', async () => {
      first = await crawl(owner, { seed: `${site.url}/`, maxPages: 20 });
      assert.ok(first.pages.length >= 3, `${first.pages.length} pages`);
      assert.ok(
        first.pages.every((p) => !p.reused),
        'a crawl without --max-age fetches every page',
      );
      const storedUrls = first.pages.map((p) => p.url);
      const hits = hitsOn(site, storedUrls);
      // The CLI's crawl, as a process: its summary says where the pages came from.
      const out = join(tmp, 'globex-out');
      const cli = sward(
        [
          'crawl',
          `${site.url}/`,
          '--max-age',
          '1h',
          '--max-pages',
          '20',
          '--coordinator',
          c.url,
          '--api-key',
          globexKey,
          '--out',
          out,
        ],
        {},
      );
      assert.equal(await cli.exited, 0, cli.output());
      assert.match(cli.output(), new RegExp(`from the archive\\s+${first.pages.length}\\b`));
      assert.match(cli.output(), /fetched\s+0\b/);
      const job = await globex.job(cli.output().match(/^job (\S+) submitted$/m)?.[1] as string);
      assert.equal(hitsOn(site, storedUrls), hits, 'no stored page was fetched again');
      assert.equal(job.options.maxAge, '1h');
      assert.equal(job.progress?.fromArchive, first.pages.length);
      assert.equal(job.progress?.fetched, 0);
      assert.equal(job.stored, first.pages.length);

      // The output's rows are the first job's signed captures, marked as reused, and they verify.
      const rows = readFileSync(join(out, 'pages.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(rows.map((r) => r.captureId).sort(), first.pages.map((p) => p.captureId).sort());
      assert.ok(rows.every((r) => r.reused === true));
      const verify = sward(['verify', out]);
      assert.equal(await verify.exited, 0, verify.output());
      assert.match(verify.output(), /^OK: \d+ checks passed/m);

      // A second sale of the same pages to globex, through the SDK (the CLI's --json is cli-remote's).
      const second = await globex.createCrawl({ seed: `${site.url}/`, maxPages: 20, maxAge: '1h' });
      assert.equal(
        (await globex.waitForJob(second.id, undefined, 100)).progress?.fromArchive,
        first.pages.length,
      );

      // Each sale pays the node's operator once per capture.
      const paidNow = await royalties();
      assert.equal(paidNow.length, 2 * first.pages.length, JSON.stringify(paidNow));
      assert.ok(paidNow.every((r) => r.amount === REUSE_ROYALTY_MICRO));
      // …to the account its work points for the capture went to: the operator of the node that made it.
      const work = await c.store.db.get<{ account: string }>(
        `SELECT e.account FROM rw_transactions t JOIN rw_entries e ON e.tx_id = t.id
         WHERE t.idem_key = ? AND e.kind = 'work'`,
        [`work:${first.pages[0]?.captureId}`],
      );
      assert.match(work?.account ?? '', /^op:/);
      assert.ok(
        paidNow.every((r) => r.account === work?.account),
        JSON.stringify(paidNow),
      );
      assert.equal(new Set(paidNow.map((r) => `${r.memo} ${r.ref}`)).size, paidNow.length);

      // A replay of a sale pays nothing more.
      const replay = await c.store.db.transaction((tx) =>
        payReuseRoyalty(tx, c.rewards, {
          ref: `job:${job.id}`,
          buyer: 'globex',
          captures: first?.pages.map((p) => ({ captureId: p.captureId, nodeId: p.nodeId })) ?? [],
        }),
      );
      assert.ok(
        replay.every((r) => r.paid === 0 && r.why === 'already-paid'),
        JSON.stringify(replay),
      );
      // A caller cannot send the royalty to a node that did not make the capture.
      const [one] = first.pages;
      const forged = await c.store.db.transaction((tx) =>
        payReuseRoyalty(tx, c.rewards, {
          ref: 'forged',
          buyer: 'globex',
          captures: [{ captureId: one?.captureId as string, nodeId: 'n_someone_else' }],
        }),
      );
      assert.deepEqual(
        forged.map((r) => r.why),
        ['not-payable'],
      );
      assert.equal((await royalties()).length, paidNow.length);
    });

    test('a build says how many rows its jobs took from the archive, and --max-age bounds the capture age', async () => {
      const { job } = await crawl(globex, { seed: `${site.url}/`, maxPages: 20, maxAge: '1h' });
      const build = await globex.createDatasetBuild({ from: { jobs: [job.id] }, maxAge: '1h', dedup: 1 });
      const done = await globex.waitForDatasetBuild(build.id, undefined, 100);
      assert.equal(done.state, 'done', done.error ?? '');
      const r = done.report;
      assert.ok(r && r.rows > 0, JSON.stringify(r));
      assert.equal(r.fromArchive, r.rows, 'every kept row came from the archive');
      assert.equal(r.fetched, 0);
      // Rows fetched by the owner's own crawl count as fetched.
      const own = await owner.createDatasetBuild({ from: { jobs: [first?.job.id as string] }, dedup: 1 });
      const ownDone = await owner.waitForDatasetBuild(own.id, undefined, 100);
      assert.equal(ownDone.report?.fromArchive, 0);
      assert.equal(ownDone.report?.fetched, ownDone.report?.rows);
      // Over the archive with a max age every capture is older than: nothing selected.
      const newest = Math.max(...(first?.pages ?? []).map((p) => Date.parse(p.fetchedAt)));
      while (Date.now() - newest < 1500) await new Promise((res) => setTimeout(res, 100));
      const old = await globex.createDatasetBuild({ from: { archive: true }, maxAge: '1s' });
      const oldDone = await globex.waitForDatasetBuild(old.id, undefined, 100);
      assert.equal(oldDone.report?.rows, 0, JSON.stringify(oldDone.report));
      assert.ok((oldDone.report?.notSelected ?? 0) > 0);
    });

    test('a tenant reusing its own captures is served from the archive, and the node earns no royalty (self-dealing)', async () => {
      const before = (await royalties()).length;
      const own = await crawl(owner, { seed: `${site.url}/`, maxPages: 20, maxAge: '1h' });
      assert.equal(own.job.progress?.fromArchive, first?.pages.length);
      assert.equal((await royalties()).length, before, 'no royalty for a tenant buying its own captures');
    });

    test('pages paid for or fetched with a licence token are never reused for another customer; free ones are', async () => {
      const reusedByPath = (pages: Awaited<ReturnType<typeof crawl>>['pages']) =>
        Object.fromEntries(pages.map((p) => [new URL(p.url).pathname, p.reused === true]));
      // Pay-per-crawl: the free page is public, the paid one was bought by the first customer.
      const req = { seed: `${paid.url}/`, maxPages: 50, maxPrice: '0.05' };
      await crawl(owner, req);
      const charges = paid.charges.length;
      const b = await crawl(globex, { ...req, maxAge: '1h' });
      const reused = reusedByPath(b.pages);
      assert.equal(reused['/free/0'], true, JSON.stringify(reused));
      assert.equal(reused['/paid/0'], false, 'a page paid per crawl is fetched (and paid) again');
      assert.equal(paid.charges.length, charges + 1, 'the second customer paid for its own fetch');

      // Every page of an origin the first customer sent its licence token to is that customer's.
      const withToken = {
        seed: `${licensed.url}/`,
        maxPages: 50,
        licenseTokens: [{ origin: licensed.url, token: TOKEN }],
      };
      const t = await crawl(owner, withToken);
      assert.ok(t.pages.some((p) => new URL(p.url).pathname === '/licensed/0'));
      const fetchedBefore = licensed.requests.filter((r) => r.path === '/licensed/0').length;
      const u = await crawl(globex, { ...withToken, maxAge: '1h' });
      assert.ok(u.pages.length >= 2, JSON.stringify(reusedByPath(u.pages)));
      assert.ok(
        u.pages.every((p) => !p.reused),
        `nothing fetched with a licence token is reused: ${JSON.stringify(reusedByPath(u.pages))}`,
      );
      assert.ok(licensed.requests.filter((r) => r.path === '/licensed/0').length > fetchedBefore);
    });

    test('a taken-down page is never taken from the archive', async () => {
      const victim = first?.pages.find((p) => new URL(p.url).pathname !== '/');
      assert.ok(victim);
      await owner.createTakedown({ kind: 'url', value: victim.url, reason: 'test' });
      const again = await crawl(globex, { seed: `${site.url}/`, maxPages: 20, maxAge: '1h' });
      assert.ok(
        again.pages.every((p) => p.url !== victim.url && p.finalUrl !== victim.url),
        'the taken-down page is in no output',
      );
      assert.ok(
        !(await c.store.db.get('SELECT 1 AS x FROM job_reuses WHERE job_id = ? AND capture_id = ?', [
          again.job.id,
          victim.captureId,
        ])),
      );
    });
  });
