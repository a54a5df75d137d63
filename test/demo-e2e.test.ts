import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startSampleSite } from '@sward/testsites';
import { checkOutput, readJsonl } from './support/crawl-checks.js';
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
      /output: .*pages\.jsonl, .*compliance\.json, .*provenance\//,
      /documents kept: +\d+/,
      /dropped as duplicates +[1-9]\d*/,
    ])
      assert.match(text, re);
    const site = await startSampleSite({ pages: 200 });
    await site.close();
    assert.ok(site.expected.articles.length >= 200);
    const { pages } = checkOutput(join(out, 'output'), site.expected);
    // every stored HTML page got its document; duplicates were dropped and recorded with what they duplicate
    const docs = readJsonl(join(out, 'output', 'documents.jsonl'));
    const dropped = readJsonl(join(out, 'output', 'documents-dropped.jsonl'));
    const html = pages.filter((p) => /html/.test(p.contentType ?? ''));
    assert.equal(docs.length + dropped.length, html.length, 'one document per stored HTML page');
    for (const d of docs) {
      assert.ok(d.captureId && typeof d.text === 'string' && d.text.length > 0 && d.markdown !== undefined);
      assert.ok(d.quality && typeof d.wordCount === 'number' && d.language === 'en');
      assert.equal(typeof d.provenance.leafIndex, 'number', 'documents carry their leaf index');
    }
    const article = docs.find((d) => /\/articles\/\d+$/.test(d.url ?? ''));
    assert.ok(article?.title && article.author, 'articles keep title and byline');
    assert.ok(
      dropped.some((d) => d.dropped === 'duplicate' && d.of),
      'duplicates name the document kept',
    );
    const verify = sward(['verify', join(out, 'output'), '--rederive']);
    assert.equal(await verify.exited, 0, verify.output());
    assert.match(verify.output(), /^signatures: checked \(\d+ rows/m);
    assert.match(verify.output(), /^files: checked \(\d+ files match the signed manifest/m);
    assert.match(verify.output(), /^rederive: checked \(\d+ documents re-extracted/m);
    // The WARC is outside the signed manifest, and the summary says so.
    assert.match(verify.output(), /^OK: \d+ checks passed; not checked: .*pages\.warc\.gz/m);
  });
});
