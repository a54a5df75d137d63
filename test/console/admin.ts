// The network admin's paths (flags, nodes, an operator, keys, the audit log, takedowns), run by
// console-browser.test.ts in the world and Chromium it shares with the other roles' paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConsoleSuite, checkPage, navIds, navTo } from '../support/console-world.js';

export function adminPaths(s: ConsoleSuite): void {
  test('admin: flags, nodes, an operator, keys, the audit log and a takedown', async () => {
    await s.inBothViews(s.w.keys.admin, async (page, view) => {
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
      await checkPage(page, 'admin-flags', view);
      await navTo(page, 'nodes');
      await page.waitForSelector(`table >> text=${s.w.node.id.slice(0, 16)}`);
      await checkPage(page, 'admin-nodes', view);
      await page.click(`table a[href="#/operators/${encodeURIComponent(s.w.operator)}"]`);
      await page.waitForSelector('figure.chart svg rect.bar');
      await checkPage(page, 'admin-operator', view);
      await navTo(page, 'keys');
      await page.waitForSelector('table >> text=crawl-only');
      await checkPage(page, 'admin-keys', view);
      await navTo(page, 'audit');
      // the console world made its keys through the API: each is in the log
      await page.waitForSelector('table >> text=key.create');
      await checkPage(page, 'admin-audit', view);
      await navTo(page, 'takedowns');
      const url = `${s.w.site.url}/taken-down-${view.name}`;
      await page.fill('#td-value', url);
      await page.fill('#td-reason', 'court order');
      await page.click('form button[type="submit"]');
      await page.waitForSelector(`table >> text=${url}`);
      await checkPage(page, 'admin-takedowns', view);
      await navTo(page, 'audit');
      await page.waitForSelector('table >> text=takedown');
    });
  });
}
