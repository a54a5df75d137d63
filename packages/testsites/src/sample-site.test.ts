import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SampleSite, startSampleSite } from './sample-site.js';
import { follow, get, hrefs, norm, similarity, UA } from './test-helpers.js';

describe('sample site', () => {
  let site: SampleSite;
  before(async () => {
    site = await startSampleSite({ slowMs: 100 });
  });
  after(() => site.close());
  const u = (p: string) => site.url + p;

  test('a polite crawl from / finds exactly the stored, skipped and failed URLs the facts name', async () => {
    const ex = site.expected;
    const seen = new Set<string>();
    const outcome = new Map<string, string>();
    const queue = [u('/')];
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      if (seen.has(url)) continue;
      seen.add(url);
      const path = new URL(url).pathname;
      if (path.startsWith('/private/')) {
        outcome.set(url, 'skipped:robots-txt');
        continue;
      }
      let { chain, res, loop } = await follow(url);
      if (res.status === 500) ({ chain, res, loop } = await follow(url)); // one retry
      const final = norm(chain[chain.length - 1] ?? url, site.url) ?? url;
      if (final !== url) {
        if (seen.has(final) && !loop) continue;
        seen.add(final);
      }
      const body = loop ? '' : await res.text();
      const type = res.headers.get('content-type') ?? '';
      if (loop) outcome.set(url, 'failed:redirect-loop');
      else if (res.status === 404) outcome.set(final, 'failed:http-404');
      else if (res.headers.get('x-robots-tag')?.includes('noai')) outcome.set(final, 'skipped:noai-header');
      else if (res.headers.get('tdm-reservation') === '1')
        outcome.set(final, 'skipped:tdm-reservation-header');
      else if (/<meta name="robots" content="[^"]*noai/.test(body)) outcome.set(final, 'skipped:noai-meta');
      else if (new URL(final).pathname.startsWith('/reserved/')) outcome.set(final, 'skipped:tdmrep-json');
      else if (res.status === 200) outcome.set(final, 'stored');
      else outcome.set(final, `unexpected:${res.status}`);
      if (type.startsWith('text/html')) {
        for (const h of hrefs(body)) {
          const next = norm(h, final);
          if (next?.startsWith(site.url) && !seen.has(next)) queue.push(next);
        }
      }
    }
    const got = (kind: string) =>
      [...outcome]
        .filter(([, o]) => o.startsWith(kind))
        .map(([url, o]) => (kind === 'stored' ? url : `${url} ${o.split(':')[1]}`))
        .sort();
    assert.deepEqual(got('stored'), ex.stored);
    assert.deepEqual(got('skipped'), ex.skipped.map((s) => `${s.url} ${s.reason}`).sort());
    assert.deepEqual(got('failed'), ex.failed.map((s) => `${s.url} ${s.reason}`).sort());
    assert.equal(outcome.size, ex.total);
    assert.equal(ex.articles.length, 200);
    for (const a of ex.articles) assert.equal(outcome.get(a), 'stored', a);
    assert.ok(ex.total > 200);
    assert.deepEqual(site.hits.userAgents(), [UA]);
  });

  test('articles look like articles: title, byline, date, paragraphs, nav and footer', async () => {
    const html = await (await get(u('/articles/42'))).text();
    assert.match(html, /<title>[A-Z][a-z]+( [a-z]+){3,7} \| The Sward Gazette<\/title>/);
    assert.match(html, /<meta name="author" content="[A-Z][a-z]+ [A-Z][a-z]+">/);
    assert.match(html, /<time datetime="\d{4}-\d\d-\d\d">/);
    assert.match(html, /<nav aria-label="Sections">/);
    assert.match(html, /<footer class="site-footer">/);
    assert.ok((html.match(/<p>/g) ?? []).length >= 4);
    assert.match(html, new RegExp(`<link rel="canonical" href="${u('/articles/42')}">`));
  });

  test('robots.txt disallows /private/ for SwardBot with a crawl-delay', async () => {
    const res = await get(u('/robots.txt'));
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    const txt = await res.text();
    assert.match(txt, /User-agent: SwardBot\nDisallow: \/private\/\nCrawl-delay: 0\.05\n/);
    assert.equal(site.expected.crawlDelay, 0.05);
  });

  test('politeness:false drops the crawl-delay; crawlDelay sets it', async () => {
    const fast = await startSampleSite({ politeness: false, pages: 10 });
    const slow = await startSampleSite({ crawlDelay: 2, pages: 10 });
    try {
      assert.doesNotMatch(await (await get(`${fast.url}/robots.txt`)).text(), /Crawl-delay/);
      assert.equal(fast.expected.crawlDelay, null);
      assert.match(await (await get(`${slow.url}/robots.txt`)).text(), /Crawl-delay: 2\n/);
    } finally {
      await fast.close();
      await slow.close();
    }
  });

  test('noai meta, X-Robots-Tag and tdm-reservation header pages', async () => {
    const meta = await get(u('/policy/noai-meta'));
    assert.equal(meta.status, 200);
    assert.match(await meta.text(), /<meta name="robots" content="noai, noimageai">/);
    const header = await get(u('/policy/noai-header'));
    assert.equal(header.headers.get('x-robots-tag'), 'noai, noimageai');
    const tdm = await get(u('/policy/tdm-header'));
    assert.equal(tdm.headers.get('tdm-reservation'), '1');
    assert.equal(tdm.headers.get('tdm-policy'), u('/policies/tdm.json'));
    assert.equal((await get(u('/policies/tdm.json'))).status, 200);
  });

  test('tdmrep.json reserves /reserved/ in the W3C TDMRep format', async () => {
    const res = await get(u('/.well-known/tdmrep.json'));
    assert.equal(res.headers.get('content-type'), 'application/json');
    const rules = (await res.json()) as Record<string, unknown>[];
    assert.deepEqual(rules[0], {
      location: '/reserved/*',
      'tdm-reservation': 1,
      'tdm-policy': u('/policies/tdm.json'),
    });
    assert.equal((await get(u('/reserved/annual-report'))).status, 200);
  });

  test('redirect chain of three hops ends at a real page; the loop never ends', async () => {
    const { chain, res } = await follow(u('/redirect/1'));
    assert.deepEqual(chain, [u('/redirect/1'), u('/redirect/2'), u('/redirect/3'), u('/landing')]);
    assert.equal(res.status, 200);
    assert.deepEqual(site.expected.redirects, [{ from: u('/redirect/1'), to: u('/landing'), hops: 3 }]);
    assert.equal((await get(u('/redirect/1'))).status, 302);
    const loop = await follow(u('/loop/a'));
    assert.ok(loop.loop);
    assert.equal((await get(u('/missing'))).status, 404);
  });

  test('the flaky page answers 500 once, then 200', async () => {
    const s = await startSampleSite({ pages: 10 });
    try {
      assert.equal((await get(`${s.url}/flaky`)).status, 500);
      assert.equal((await get(`${s.url}/flaky`)).status, 200);
      assert.equal((await get(`${s.url}/flaky`)).status, 200);
      assert.deepEqual(s.hits.statuses('/flaky'), [500, 200, 200]);
    } finally {
      await s.close();
    }
  });

  test('the slow page takes at least its delay, and overlapping requests show in maxConcurrent', async () => {
    const s = await startSampleSite({ pages: 10, slowMs: 80 });
    try {
      await get(`${s.url}/slow`).then((r) => r.text());
      assert.equal(s.hits.maxConcurrent(), 1);
      const [hit] = s.hits.forPath('/slow');
      assert.ok(hit?.end !== undefined && hit.end - hit.start >= 70);
      await Promise.all([get(`${s.url}/slow`), get(`${s.url}/slow`)].map((p) => p.then((r) => r.text())));
      assert.equal(s.hits.maxConcurrent(), 2);
      assert.equal(s.hits.count('/slow'), 3);
    } finally {
      await s.close();
    }
  });

  test('non-HTML files are served with their types', async () => {
    const csv = await get(u('/data/stats.csv'));
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(await csv.text(), /^section,articles,words\n/);
    const pdf = await get(u('/files/report.pdf'));
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.match(bytes.toString('latin1'), /%%EOF\n$/);
    assert.deepEqual(
      site.expected.nonHtml.map((n) => n.url),
      [u('/data/stats.csv'), u('/files/report.pdf')],
    );
  });

  test('exact duplicates are byte-identical; near duplicates are similar but not equal', async () => {
    const [exact] = site.expected.exactDuplicates;
    const [near] = site.expected.nearDuplicates;
    assert.equal(exact?.length, 4);
    assert.equal(near?.length, 4);
    const bodies = await Promise.all((exact ?? []).map(async (x) => (await get(x)).text()));
    for (const b of bodies) assert.equal(b, bodies[0]);
    const nearBodies = await Promise.all((near ?? []).map(async (x) => (await get(x)).text()));
    const other = await (await get(u('/articles/20'))).text();
    for (const b of nearBodies.slice(1)) {
      assert.notEqual(b, nearBodies[0]);
      const sim = similarity(nearBodies[0] ?? '', b);
      assert.ok(sim > 0.75 && sim < 1, `near copy similarity ${sim}`);
      assert.ok(similarity(other, b) < 0.2);
    }
  });

  test('every duplicate spelling of a link reaches the page the facts say', async () => {
    const forms = site.expected.linkForms;
    assert.ok(forms.length >= 8);
    const html = await (await get(u('/links'))).text();
    for (const f of forms) {
      assert.ok(hrefs(html).includes(f.href), f.href);
      const { chain, res } = await follow(new URL(f.href, u('/links')).href);
      assert.equal(res.status, 200, f.href);
      assert.equal(norm(chain[chain.length - 1] ?? '', site.url), f.resolvesTo, f.href);
    }
  });

  test('the same seed gives the same pages; pages sets the size', async () => {
    const big = await startSampleSite({ pages: 2000, politeness: false });
    try {
      // Related links depend on the site's size; the story itself must not.
      const story = (h: string) => /<article>[\s\S]*<\/article>/.exec(h)?.[0];
      const a = story(await (await get(u('/articles/150'))).text());
      const b = story(await (await get(`${big.url}/articles/150`)).text());
      assert.ok(a);
      assert.equal(a, b);
      assert.equal(big.expected.articles.length, 2000);
      assert.equal((await get(`${big.url}/articles/2000`)).status, 200);
      assert.equal((await get(`${big.url}/articles/2001`)).status, 404);
      const section = await (await get(`${big.url}/s/world/`)).text();
      assert.equal(hrefs(section).filter((h) => h.startsWith('/articles/')).length, 400);
    } finally {
      await big.close();
    }
  });

  test('hits record method, path, headers and counts', async () => {
    const s = await startSampleSite({ pages: 10 });
    try {
      await get(`${s.url}/about?x=1`, { 'x-test': 'yes' });
      await fetch(`${s.url}/about`, { method: 'HEAD', headers: { 'user-agent': UA } });
      const [first, second] = s.hits.all;
      assert.equal(first?.method, 'GET');
      assert.equal(first?.path, '/about?x=1');
      assert.equal(first?.headers['x-test'], 'yes');
      assert.equal(first?.userAgent, UA);
      assert.equal(first?.status, 200);
      assert.equal(second?.method, 'HEAD');
      assert.equal(s.hits.count('/about'), 2);
      assert.equal(s.hits.count('/about?x=1'), 1);
      assert.equal(s.hits.counts().get('/about'), 1);
    } finally {
      await s.close();
    }
  });
});

test('latencyMs holds every response back (a bench site that answers like a real one)', async () => {
  // 60 s: nothing can answer early by accident, whatever the machine's load
  const slow = await startSampleSite({ latencyMs: 60_000 });
  const quick = await startSampleSite({ latencyMs: 1 });
  try {
    let answered = false;
    const pending = fetch(`${slow.url}/robots.txt`)
      .then(() => {
        answered = true;
      })
      .catch(() => {}); // cut by close() below
    const res = await fetch(`${quick.url}/robots.txt`);
    assert.equal(res.status, 200, 'a short latency still answers');
    await res.text();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answered, false, 'not answered before its latency');
    assert.equal(slow.hits.all.length, 0, 'a request is logged when it is answered');
    await slow.close();
    await pending;
  } finally {
    await slow.close().catch(() => {});
    await quick.close();
  }
});
