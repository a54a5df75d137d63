// The console URL `sward coordinator` and `sward demo` print is one that serves the console: its page, its
// script, and (for the demo, whose admin key it prints too) a sign-in in Debian's Chromium that opens it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CHROMIUM, launch, openTab } from './support/console-world.js';
import { freePort, type Proc, sward } from './support/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'sward-console-url-'));

/** The printed URL answers the console's page, and the script that page names answers JavaScript. */
async function servesConsole(url: string): Promise<void> {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/console\/$/);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.match(html, /<title>Sward console<\/title>/);
  const script = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
  assert.ok(script, 'the page loads a script');
  const js = await fetch(new URL(script, url));
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
}

describe('the printed console URL', () => {
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('sward coordinator prints where its console is, and it is there', async () => {
    const port = await freePort();
    const co = sward(['coordinator', '--port', String(port), '--db', join(tmp, 'co', 'sward.db')], {
      SWARD_API_KEY: '',
    });
    procs.push(co);
    const m = await co.waitFor(/^console: (\S+)/m);
    assert.equal(m[1], `http://127.0.0.1:${port}/console/`);
    await servesConsole(m[1] as string);
    assert.equal(await co.kill('SIGTERM'), 0);
  });

  test('sward demo --serve prints the console URL and its key; a browser signs in there', async () => {
    const demo = sward(['demo', '--out', join(tmp, 'demo'), '--pages', '5', '--nodes', '1', '--serve']);
    procs.push(demo);
    const m = await demo.waitFor(/^console: (\S+) \(sign in with the API key (sk_\S+)\)/m);
    const [url, key] = [m[1] as string, m[2] as string];
    // after the crawl, the coordinator stays up for the visitor
    await demo.waitFor(/keeps serving the console at (\S+); Ctrl-C to stop/, 180_000);
    await servesConsole(url);
    // one node, said in the singular ("1 nodes started" before)
    assert.match(demo.output(), /^1 node started$/m);
    if (existsSync(CHROMIUM)) {
      const browser = await launch();
      try {
        const { page } = await openTab(browser, new URL(url).origin, key);
        await page.waitForSelector('a#nav-jobs');
        assert.match((await page.textContent('#who')) ?? '', /tenant default/);
      } finally {
        await browser.close();
      }
    }
    assert.equal(await demo.kill('SIGINT'), 0, demo.output());
  });
});
