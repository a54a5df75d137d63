// The console (packages/web) in Debian's Chromium, driven by playwright-core, against a real coordinator
// holding a crawl, a collection, a labelling project and a closed epoch (support/console-world.ts). Every
// role's main path, each page checked by axe-core on a desktop in light mode and a 375 px phone in dark
// mode, with screenshots in test-artifacts/console/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { generateNoteKeys } from '@sward/core';
import type { Browser, Page } from 'playwright-core';
import {
  CHROMIUM,
  type ConsoleWorld,
  checkPage,
  consoleWorld,
  contexts,
  launch,
  signIn,
} from './support/console-world.js';
import { insertFakeCaptures } from './support/fake-captures.js';

const skip = !existsSync(CHROMIUM) && 'no chromium';

describe('the console in a browser', { skip }, () => {
  let w: ConsoleWorld;
  let browser: Browser;
  before(async () => {
    w = await consoleWorld();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  /** Runs `path` in both views (desktop light, phone dark), each in a fresh tab signed in with `secret`. */
  const inBothViews = async (secret: string | null, path: (page: Page, view: string) => Promise<void>) => {
    for (const { name, ctx } of await contexts(browser)) {
      const page = await ctx.newPage();
      if (secret) await signIn(page, w.co.url, secret);
      try {
        await path(page, name);
      } finally {
        await ctx.close();
      }
    }
  };
  const navTo = async (page: Page, id: string) => {
    await page.click(`#nav-${id}`);
    await page.waitForSelector(`a#nav-${id}[aria-current="page"]`);
  };
  const navIds = (page: Page) =>
    page.$$eval('nav.side a[id^="nav-"]', (as) => as.map((a) => a.id.slice(4)).sort());

  test('a wrong key is refused with the API error, and the sign-in page passes axe', async () => {
    await inBothViews(null, async (page, view) => {
      await page.goto(`${w.co.url}/console/`);
      await checkPage(page, `signin-${view}`);
      await page.fill('#signin-secret', 'sk_not_a_key');
      await page.click('#signin-btn');
      assert.match(
        (await page.textContent('#signin-error')) ?? '',
        /UNAUTHORIZED: missing or unknown API key/,
      );
    });
  });

  test('customer: jobs with progress and skip reasons, pages, documents, a row verified in the browser', async () => {
    await inBothViews(w.keys.customer, async (page, view) => {
      assert.deepEqual(await navIds(page), ['collections', 'jobs', 'projects', 'proofs']);
      await page.waitForSelector(`a[href="#/jobs/${w.jobId}"]`);
      await checkPage(page, `customer-jobs-${view}`);
      await page.click(`a[href="#/jobs/${w.jobId}"]`);
      await page.waitForFunction(`document.getElementById('job-state')?.textContent === 'done'`);
      const stored = Number(await page.textContent('#job-stored'));
      assert.ok(stored > 0, 'the crawl stored pages');
      // The sample site has robots.txt refusals, noai pages and a page that fails for good.
      await page.waitForSelector('#skip-reasons li');
      await page.waitForSelector('table >> text=verify');
      await page.click('details.doc summary >> nth=0');
      assert.ok(((await page.textContent('details.doc[open] pre')) ?? '').length > 0, 'a document preview');
      await checkPage(page, `customer-job-${view}`);
      // The first page's proof, checked here by core's code.
      await page.click('table a:has-text("verify") >> nth=0');
      await page.waitForSelector('#proof-verdict');
      assert.equal(await page.textContent('#proof-verdict'), 'verified');
      assert.equal(await page.locator('.checks li.pass').count(), 3);
      await checkPage(page, `customer-proof-${view}`);
    });
  });

  /** A capture id of the crawl, through the API as any client would get it. */
  const firstCapture = async () => {
    const res = await fetch(`${w.co.url}/v1/jobs/${w.jobId}/pages?limit=1`, {
      headers: { authorization: `Bearer ${w.keys.customer}` },
    });
    return ((await res.json()) as { pages: { captureId: string }[] }).pages[0]?.captureId as string;
  };
  const verdicts = (page: Page) =>
    page.$$eval('.checks li', (lis) => lis.map((li) => `${li.getAttribute('data-step')}:${li.className}`));

  test('proof explorer: a row tampered on the way is shown failed, naming the checks that fail', async () => {
    const captureId = await firstCapture();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, w.co.url, w.keys.customer);
    // An attacker between the coordinator and the browser changes the row's status in the proof's record.
    await page.route('**/v1/proofs?*', async (route) => {
      const res = await route.fetch();
      const proof = await res.json();
      proof.record.capture.status = 404;
      await route.fulfill({ response: res, json: proof });
    });
    await page.goto(`${w.co.url}/console/#/proofs/${captureId}`);
    await page.waitForSelector('#proof-verdict');
    assert.equal(await page.textContent('#proof-verdict'), 'failed');
    assert.deepEqual(await verdicts(page), ['signature:fail', 'checkpoint:pass', 'inclusion:fail']);
    await page.unroute('**/v1/proofs?*');

    // A checkpoint signed by a key other than the one the visitor pins fails, whatever the row.
    await page.fill('#proof-key', generateNoteKeys(new URL(w.co.url).host).verifierKey);
    await page.click('#proof-verify');
    await page.waitForSelector('#proof-verdict');
    assert.equal(await page.textContent('#proof-verdict'), 'failed');
    assert.deepEqual(await verdicts(page), ['signature:pass', 'checkpoint:fail', 'inclusion:fail']);

    // A pasted proof whose leaf index was moved fails inclusion alone.
    await page.fill('#proof-key', '');
    const proof = (await (
      await fetch(`${w.co.url}/v1/proofs?captureId=${captureId}`, {
        headers: { authorization: `Bearer ${w.keys.customer}` },
      })
    ).json()) as { leafIndex: number };
    proof.leafIndex = proof.leafIndex === 0 ? 1 : proof.leafIndex - 1;
    await page.click('details.card summary');
    await page.fill('#proof-json', JSON.stringify(proof));
    await page.click('#proof-verify-json');
    await page.waitForFunction(`document.getElementById('proof-verdict')?.textContent === 'failed'`);
    assert.deepEqual(await verdicts(page), ['signature:pass', 'checkpoint:pass', 'inclusion:fail']);
    await ctx.close();
  });

  test('a job of 3,000 pages is read 50 at a time: the page never asks for more', async () => {
    const res = await fetch(`${w.co.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.keys.customer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 'http://127.0.0.1:9/', maxPages: 1 }),
    });
    const big = ((await res.json()) as { id: string }).id;
    await insertFakeCaptures(w.co.store, 3000, 'big', big);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/v1/jobs/${big}/`)) asked.push(r.url());
    });
    await signIn(page, w.co.url, w.keys.customer);
    await page.goto(`${w.co.url}/console/#/jobs/${big}`);
    await page.waitForSelector('#pages-next:not([disabled])');
    const rows = () => page.$$eval('caption', (cs) => cs.map((c) => c.textContent));
    assert.ok((await rows()).includes('Stored pages 1–50'));
    const firstUrl = await page.textContent('table .url');
    await page.click('#pages-next');
    await page.waitForFunction(`document.getElementById('pages-at')?.textContent === 'page 2'`);
    await page.waitForFunction(
      `[...document.querySelectorAll('caption')].some((c) => c.textContent === 'Stored pages 51–100')`,
    );
    assert.notEqual(await page.textContent('table .url'), firstUrl);
    const pageAsks = asked.filter((u) => u.includes('/pages?'));
    assert.ok(pageAsks.length >= 2, asked.join('\n'));
    for (const u of asked) {
      const limit = new URL(u).searchParams.get('limit');
      if (/\/(pages|documents|skipped)\?/.test(u))
        assert.ok(limit !== null && Number(limit) <= 50, `asked for ${u}`);
    }
    await ctx.close();
  });

  test('customer: a collection with its freshness chart and a search, and a labelling project', async () => {
    await inBothViews(w.keys.customer, async (page, view) => {
      await navTo(page, 'collections');
      await page.click(`a[href="#/collections/${w.collectionId}"]`);
      await page.waitForSelector('figure.chart svg[role="img"]');
      await page.fill('#search-q', 'page');
      await page.click('#search-go');
      await page.waitForSelector('#search-mode');
      assert.match((await page.textContent('#search-mode')) ?? '', /^[1-9]\d* results/);
      await checkPage(page, `customer-collection-${view}`);
      await navTo(page, 'projects');
      await page.click(`a[href="#/projects/${w.projectId}"]`);
      await page.waitForSelector('#proj-issued');
      await checkPage(page, `customer-project-${view}`);
    });
  });

  test('a key with the crawl scope alone sees only jobs and proofs, and the server refuses the rest', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, w.co.url, w.keys.crawlOnly);
    assert.deepEqual(await navIds(page), ['jobs', 'proofs']);
    // Asking for a section by its address lands on one the key may open…
    await page.goto(`${w.co.url}/console/#/keys`);
    await page.waitForSelector('a#nav-jobs[aria-current="page"]');
    assert.equal(await page.locator('#keys-h').count(), 0);
    // …and the API itself refuses what the navigation hides, whatever the page does.
    const statuses = await page.evaluate(
      async ([paths, secret]) =>
        Promise.all(
          paths.map(async (p) => (await fetch(p, { headers: { authorization: `Bearer ${secret}` } })).status),
        ),
      [['/v1/collections', '/v1/keys', '/v1/audit', '/v1/admin/nodes'], w.keys.crawlOnly] as const,
    );
    assert.deepEqual(statuses, [403, 403, 403, 403]);
    await ctx.close();
  });

  test("another tenant's key sees none of this tenant's jobs", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, w.co.url, w.keys.otherTenant);
    await page.waitForSelector('#jobs-h');
    await page.waitForSelector('text=No jobs yet');
    assert.equal(await page.locator(`a[href="#/jobs/${w.jobId}"]`).count(), 0);
    await page.goto(`${w.co.url}/console/#/jobs/${w.jobId}`);
    await page.waitForSelector('.error');
    assert.match((await page.textContent('.error')) ?? '', /NOT_FOUND/);
    await ctx.close();
  });

  test('operator (node session): nodes, credibility with reasons, earnings per epoch', async () => {
    await inBothViews(w.nodeSession, async (page, view) => {
      assert.deepEqual(await navIds(page), ['operator']);
      await page.waitForSelector('figure.chart svg rect.bar');
      assert.ok(Number(await page.textContent('#op-settled')) > 0, 'the closed epoch paid the operator');
      assert.match((await page.textContent('table')) ?? '', /Credibility/);
      await checkPage(page, `operator-${view}`);
    });
  });

  test('labeller: signs up on the task page, then opens the console with that session', async () => {
    await inBothViews(null, async (page, view) => {
      await page.goto(`${w.co.url}/label`);
      await page.fill('#signup-name', `Ada ${view}`);
      await page.click('#signup-btn');
      await page.waitForSelector(`button[data-project="${w.projectId}"]`);
      await page.goto(`${w.co.url}/console/`);
      await page.click('#signin-labeller');
      await page.waitForSelector('#tasks-h');
      assert.deepEqual(await navIds(page), ['tasks']);
      await page.waitForSelector('text=Helpfulness ratings');
      assert.equal(await page.getAttribute('#open-task-page', 'href'), '/label');
      await checkPage(page, `labeller-${view}`);
    });
  });

  test('admin: flags, nodes, an operator, keys, the audit log and a takedown', async () => {
    await inBothViews(w.keys.admin, async (page, view) => {
      assert.deepEqual(await navIds(page), [
        'audit',
        'collections',
        'flags',
        'jobs',
        'keys',
        'nodes',
        'operators',
        'projects',
        'proofs',
        'takedowns',
      ]);
      await navTo(page, 'flags');
      await page.waitForSelector('#flags-h ~ *');
      await checkPage(page, `admin-flags-${view}`);
      await navTo(page, 'nodes');
      await page.waitForSelector(`table >> text=${w.node.id.slice(0, 16)}`);
      await checkPage(page, `admin-nodes-${view}`);
      await page.click('table a.mono >> nth=0');
      await page.waitForSelector('figure.chart svg rect.bar');
      await checkPage(page, `admin-operator-${view}`);
      await navTo(page, 'keys');
      await page.waitForSelector('table >> text=crawl-only');
      await checkPage(page, `admin-keys-${view}`);
      await navTo(page, 'audit');
      await page.waitForSelector('table >> text=key.create').catch(() => undefined);
      await checkPage(page, `admin-audit-${view}`);
      await navTo(page, 'takedowns');
      const url = `${w.site.url}/taken-down-${view}`;
      await page.fill('#td-value', url);
      await page.fill('#td-reason', 'court order');
      await page.click('form button[type="submit"]');
      await page.waitForSelector(`table >> text=${url}`);
      await checkPage(page, `admin-takedowns-${view}`);
      await navTo(page, 'audit');
      await page.waitForSelector('table >> text=takedown');
    });
  });
});
