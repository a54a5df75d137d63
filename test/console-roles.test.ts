// Operators, labellers, and what a key's scopes and tenant hide: the console (packages/web)
// in Debian's Chromium, driven by playwright-core, against a real coordinator
// holding a crawl, a collection, a labelling project and a closed epoch (support/console-world.ts). Every
// page checked by axe-core on a desktop in light mode and a 375 px phone in dark
// mode, with screenshots in test-artifacts/console/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  CHROMIUM,
  type ConsoleWorld,
  checkPage,
  consoleWorld,
  inBothViews as inViews,
  launch,
  navIds,
  signIn,
} from './support/console-world.js';

const skip = !existsSync(CHROMIUM) && 'no chromium';

describe('the console in a browser: each role sees its own', { skip }, () => {
  let w: ConsoleWorld;
  let browser: Browser;
  before(async () => {
    w = await consoleWorld({ collection: false });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  const inBothViews = (secret: string | null, path: (page: Page, view: string) => Promise<void>) =>
    inViews(browser, w.co.url, secret, path);

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
});
