// Operators, labellers, and what a key's scopes and tenant hide, run by console-browser.test.ts in the
// world (with two operators below the crawling node's) and Chromium it shares with the other roles' paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConsoleSuite, checkPage, navIds } from '../support/console-world.js';

export function rolePaths(s: ConsoleSuite): void {
  test('a key with the crawl scope alone sees only jobs and proofs, and the server refuses the rest', async () => {
    const { page, ctx } = await s.tab(s.w.keys.crawlOnly);
    assert.deepEqual(await navIds(page), ['jobs', 'proofs']);
    // Asking for a section by its address lands on one the key may open…
    await page.goto(`${s.w.co.url}/console/#/keys`);
    await page.waitForSelector('a#nav-jobs[aria-current="page"]');
    assert.equal(await page.locator('#keys-h').count(), 0);
    // …and the API itself refuses what the navigation hides, whatever the page does.
    const statuses = await page.evaluate(
      async ([paths, secret]) =>
        Promise.all(
          paths.map(async (p) => (await fetch(p, { headers: { authorization: `Bearer ${secret}` } })).status),
        ),
      [['/v1/collections', '/v1/keys', '/v1/audit', '/v1/admin/nodes'], s.w.keys.crawlOnly] as const,
    );
    assert.deepEqual(statuses, [403, 403, 403, 403]);
    await ctx.close();
  });

  test("another tenant's key sees none of this tenant's jobs", async () => {
    const { page, ctx } = await s.tab(s.w.keys.otherTenant);
    await page.waitForSelector('#jobs-h');
    await page.waitForSelector('text=No jobs yet');
    assert.equal(await page.locator(`a[href="#/jobs/${s.w.jobId}"]`).count(), 0);
    await page.goto(`${s.w.co.url}/console/#/jobs/${s.w.jobId}`);
    await page.waitForSelector('.error');
    assert.match((await page.textContent('.error')) ?? '', /NOT_FOUND/);
    await ctx.close();
  });

  test('operator (node session): nodes, credibility with reasons, earnings per epoch, recent fetches, referral tree', async () => {
    await s.inBothViews(s.w.nodeSession, async (page, view) => {
      assert.deepEqual(await navIds(page), ['operator']);
      await page.waitForSelector('figure.chart svg rect.bar');
      assert.ok(Number(await page.textContent('#op-settled')) > 0, 'the closed epoch paid the operator');
      assert.match((await page.textContent('table')) ?? '', /Credibility/);
      // The crawl's fetches, newest first, with the sample site's URLs.
      await page.waitForSelector(`#op-fetches table >> text=${s.w.site.url}`);
      // Referral tree: nested lists, the level-2 operator inside the level-1 one, points from each.
      const { level1, level2 } = s.w.referred;
      const l1 = page.locator(`#op-referrals ul.tree > li[data-operator="${level1}"]`);
      await l1.waitFor();
      assert.equal(await l1.locator('> .earned').textContent(), '0.10');
      assert.equal(await l1.locator(`> ul > li[data-operator="${level2}"] > .earned`).textContent(), '0.05');
      await checkPage(page, 'operator', view);
    });
  });

  test("another operator's session sees none of this operator's fetches or referrals", async () => {
    const { page, ctx } = await s.tab(s.w.otherNodeSession);
    await page.waitForSelector('#op-fetches >> text=No fetch yet.');
    await page.waitForSelector('#op-referrals >> text=Nobody has joined with your code yet.');
    const text = (await page.textContent('main')) ?? '';
    assert.ok(!text.includes(s.w.site.url), "no page the other operator's node fetched");
    // (its own status names who referred it, level1; the crawling operator above that is not its business)
    assert.ok(!text.includes(s.w.operator.slice(0, 12)), 'nothing of the operator two levels up');
    // and the API, asked directly with this session, answers the same
    const fetches = (await page.evaluate(
      async (secret) =>
        (await fetch('/v1/rewards/node/fetches', { headers: { authorization: `Bearer ${secret}` } })).json(),
      s.w.otherNodeSession,
    )) as { operator: string; fetches: unknown[] };
    assert.deepEqual(fetches, { operator: s.w.referred.level2, fetches: [], next: null });
    await ctx.close();
  });

  test('labeller: signs up on the task page, then opens the console with that session', async () => {
    await s.inBothViews(null, async (page, view) => {
      await page.goto(`${s.w.co.url}/label`);
      await page.fill('#signup-name', `Ada ${view.name}`);
      await page.click('#signup-btn');
      await page.waitForSelector(`button[data-project="${s.w.projectId}"]`);
      await page.goto(`${s.w.co.url}/console/`);
      await page.click('#signin-labeller');
      await page.waitForSelector('#tasks-h');
      assert.deepEqual(await navIds(page), ['tasks']);
      await page.waitForSelector('text=Helpfulness ratings');
      assert.equal(await page.getAttribute('#open-task-page', 'href'), '/label');
      await checkPage(page, 'labeller', view);
    });
  });
}
