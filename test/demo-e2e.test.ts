import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startSampleSite } from '@sward/testsites';
import { checkOutput } from './support/crawl-checks.js';
import { type Proc, sward } from './support/processes.js';

describe('npm run demo', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-e2e-'));
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('npm run demo: 3 nodes crawl the sample site with a progress bar and a summary; the output verifies', async () => {
    const out = join(tmp, 'demo');
    const demo = sward(['demo', '--out', out]);
    procs.push(demo);
    const code = await demo.exited;
    const text = demo.output();
    assert.equal(code, 0, text);
    assert.match(text, /crawl \[[█░]+\] \d+\/\d+ URLs/, 'progress bar');
    for (const re of [
      /pages stored: +\d+/,
      /pages skipped: +\d+/,
      /robots +\d+/,
      /noai +\d+/,
      /tdmrep +\d+/,
      /failures: +\d+/,
      /http_404 +1/,
      /redirect_loop +1/,
      /node-1 +\d+/,
      /node-2 +\d+/,
      /node-3 +\d+/,
      /finished in [\d.]+ s/,
      /output: .*pages\.jsonl/,
    ])
      assert.match(text, re);
    const site = await startSampleSite({ pages: 200 });
    await site.close();
    assert.ok(site.expected.articles.length >= 200);
    checkOutput(join(out, 'output'), site.expected);
    const verify = sward(['verify', join(out, 'output')]);
    assert.equal(await verify.exited, 0, verify.output());
    assert.match(verify.output(), /OK: every check passed/);
  });
});
