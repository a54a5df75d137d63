// The customer's paths (jobs, pages, documents, proofs, tampering, paging, collections, projects), run by
// console-browser.test.ts in the world and Chromium it shares with the other roles' paths. They run last:
// they add jobs and a busy origin to the world (the other paths look for no job of theirs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateNoteKeys } from '@sward/core';
import type { Page } from 'playwright-core';
import { type ConsoleSuite, checkPage, insertPages, navIds, navTo } from '../support/console-world.js';

export function customerPaths(s: ConsoleSuite): void {
  test('a wrong key is refused with the API error, and the sign-in page passes axe', async () => {
    await s.inBothViews(null, async (page, view) => {
      await page.goto(`${s.w.co.url}/console/`);
      await checkPage(page, 'signin', view);
      await page.fill('#signin-secret', 'sk_not_a_key');
      await page.click('#signin-btn');
      assert.match(
        (await page.textContent('#signin-error')) ?? '',
        /UNAUTHORIZED: missing or unknown API key/,
      );
    });
  });

  test('customer: jobs with progress and skip reasons, pages, documents, a row verified in the browser', async () => {
    await s.inBothViews(s.w.keys.customer, async (page, view) => {
      assert.deepEqual(await navIds(page), ['collections', 'jobs', 'projects', 'proofs']);
      await page.waitForSelector(`a[href="#/jobs/${s.w.jobId}"]`);
      await checkPage(page, 'customer-jobs', view);
      await page.click(`a[href="#/jobs/${s.w.jobId}"]`);
      await page.waitForFunction(`document.getElementById('job-state')?.textContent === 'done'`);
      const stored = Number(await page.textContent('#job-stored'));
      assert.ok(stored > 0, 'the crawl stored pages');
      // The sample site has robots.txt refusals, noai pages and a page that fails for good.
      await page.waitForSelector('#skip-reasons li');
      await page.waitForSelector('table >> text=verify');
      await page.click('details.doc summary >> nth=0');
      assert.ok(((await page.textContent('details.doc[open] pre')) ?? '').length > 0, 'a document preview');
      await checkPage(page, 'customer-job', view);
      // The first page's proof, checked here by core's code.
      await page.click('table a:has-text("verify") >> nth=0');
      await page.waitForSelector('#proof-verdict');
      assert.equal(await page.textContent('#proof-verdict'), 'verified');
      assert.equal(await page.locator('.checks li.pass').count(), 3);
      await checkPage(page, 'customer-proof', view);
    });
  });

  /** A capture id of the crawl, through the API as any client would get it. */
  const firstCapture = async () => {
    const res = await fetch(`${s.w.co.url}/v1/jobs/${s.w.jobId}/pages?limit=1`, {
      headers: { authorization: `Bearer ${s.w.keys.customer}` },
    });
    return ((await res.json()) as { pages: { captureId: string }[] }).pages[0]?.captureId as string;
  };
  const verdicts = (page: Page) =>
    page.$$eval('.checks li', (lis) => lis.map((li) => `${li.getAttribute('data-step')}:${li.className}`));

  test('proof explorer: a row tampered on the way is shown failed, naming the checks that fail', async () => {
    const captureId = await firstCapture();
    const { page, ctx } = await s.tab(s.w.keys.customer);
    // An attacker between the coordinator and the browser changes the row's status in the proof's record.
    await page.route('**/v1/proofs?*', async (route) => {
      const res = await route.fetch();
      const proof = await res.json();
      proof.record.capture.status = 404;
      await route.fulfill({ response: res, json: proof });
    });
    await page.goto(`${s.w.co.url}/console/#/proofs/${captureId}`);
    await page.waitForSelector('#proof-verdict');
    assert.equal(await page.textContent('#proof-verdict'), 'failed');
    assert.deepEqual(await verdicts(page), ['signature:fail', 'checkpoint:pass', 'inclusion:fail']);
    await page.unroute('**/v1/proofs?*');

    // A checkpoint signed by a key other than the one the visitor pins fails, whatever the row.
    await page.fill('#proof-key', generateNoteKeys(new URL(s.w.co.url).host).verifierKey);
    await page.click('#proof-verify');
    await page.waitForSelector('#proof-verdict');
    assert.equal(await page.textContent('#proof-verdict'), 'failed');
    assert.deepEqual(await verdicts(page), ['signature:pass', 'checkpoint:fail', 'inclusion:fail']);

    // A pasted proof whose leaf index was moved fails inclusion alone.
    await page.fill('#proof-key', '');
    const proof = (await (
      await fetch(`${s.w.co.url}/v1/proofs?captureId=${captureId}`, {
        headers: { authorization: `Bearer ${s.w.keys.customer}` },
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
    const res = await fetch(`${s.w.co.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.w.keys.customer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 'http://127.0.0.1:9/', maxPages: 1 }),
    });
    const big = ((await res.json()) as { id: string }).id;
    await insertPages(s.w.co.store, big, 3000);
    const { page, ctx } = await s.tab(s.w.keys.customer);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/v1/jobs/${big}/`)) asked.push(r.url());
    });
    await page.goto(`${s.w.co.url}/console/#/jobs/${big}`);
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

  test("customer: a running job's Cancel button cancels it, and goes", async () => {
    // Its origin is kept busy first, so the world's nodes lease nothing of it: the job runs until cancelled.
    const origin = 'http://127.0.0.1:10';
    await s.w.co.store.db.run('INSERT INTO hosts (origin, busy_until, next_at) VALUES (?, ?, ?)', [
      origin,
      Date.now() + 3_600_000,
      Date.now() + 3_600_000,
    ]);
    const res = await fetch(`${s.w.co.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.w.keys.customer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seed: `${origin}/`, maxPages: 5 }),
    });
    const id = ((await res.json()) as { id: string }).id;
    const { page, ctx } = await s.tab(s.w.keys.customer);
    await page.goto(`${s.w.co.url}/console/#/jobs/${id}`);
    await page.waitForFunction(`document.getElementById('job-state')?.textContent === 'running'`);
    await page.click('#job-cancel');
    await page.waitForFunction(`document.getElementById('job-state')?.textContent === 'cancelled'`);
    await page.waitForSelector('#job-cancel', { state: 'detached' });
    await ctx.close();
  });

  test('customer: a collection with its freshness chart and a search, and a labelling project', async () => {
    await s.inBothViews(s.w.keys.customer, async (page, view) => {
      await navTo(page, 'collections');
      await page.click(`a[href="#/collections/${s.w.collectionId}"]`);
      await page.waitForSelector('figure.chart svg[role="img"]');
      await page.fill('#search-q', 'page');
      await page.click('#search-go');
      await page.waitForSelector('#search-mode');
      assert.match((await page.textContent('#search-mode')) ?? '', /^[1-9]\d* results/);
      await checkPage(page, 'customer-collection', view);
      await navTo(page, 'projects');
      await page.click(`a[href="#/projects/${s.w.projectId}"]`);
      await page.waitForSelector('#proj-issued');
      await checkPage(page, 'customer-project', view);
    });
  });
}
