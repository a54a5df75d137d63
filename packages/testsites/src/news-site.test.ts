import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type NewsSite, startNewsSite } from './news-site.js';
import { get } from './test-helpers.js';

// Paragraph text of the story, without the site footer.
const storyText = (html: string) =>
  [...(html.split('<footer')[0] ?? '').matchAll(/<p(?: class="para")?>([^<]*)<\/p>/g)]
    .map((m) => m[1])
    .join('\n\n');

describe('news site', () => {
  let site: NewsSite;
  before(async () => {
    site = await startNewsSite({ articles: 3 });
  });
  after(() => site.close());
  const u = (p: string) => site.url + p;

  test('home, RSS, Atom and sitemap list the live articles newest first', async () => {
    const ids = site.articles().map((a) => a.id);
    assert.deepEqual(ids, ['3', '2', '1']);
    const home = await (await get(u('/'))).text();
    assert.deepEqual(
      [...home.matchAll(/href="\/articles\/(\d+)"/g)].map((m) => m[1]),
      ids,
    );
    const feed = await get(u('/feed.xml'));
    assert.equal(feed.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
    const rss = await feed.text();
    assert.match(rss, /<rss version="2\.0"/);
    assert.deepEqual(
      [...rss.matchAll(/<guid isPermaLink="true">([^<]*)<\/guid>/g)].map((m) => m[1]),
      site.articles().map((a) => a.url),
    );
    const atom = await (await get(u('/atom.xml'))).text();
    assert.match(atom, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/);
    assert.equal((atom.match(/<entry>/g) ?? []).length, 3);
    const sm = await (await get(u('/sitemap.xml'))).text();
    for (const a of site.articles())
      assert.ok(sm.includes(`<loc>${a.url}</loc><lastmod>${a.updated}</lastmod>`));
  });

  test('article pages carry the text, a strong ETag and Last-Modified, and answer 304 when unchanged', async () => {
    const [a] = site.articles();
    assert.ok(a);
    const res = await get(a.url);
    const etag = res.headers.get('etag') ?? '';
    const lm = res.headers.get('last-modified') ?? '';
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    assert.equal(lm, new Date(a.updated).toUTCString());
    assert.equal(storyText(await res.text()), a.text);
    const path = new URL(a.url).pathname;
    site.hits.clear();
    assert.equal((await get(a.url, { 'if-none-match': etag })).status, 304);
    assert.equal((await get(a.url, { 'if-modified-since': lm })).status, 304);
    assert.equal((await get(a.url, { 'if-none-match': '"other"', 'if-modified-since': lm })).status, 200);
    const again = await get(a.url);
    assert.equal(again.headers.get('etag'), etag);
    assert.deepEqual(site.hits.statuses(path), [304, 304, 200, 200]);
  });

  test('a text edit changes text, ETag and Last-Modified', async () => {
    const s = await startNewsSite({ articles: 1 });
    try {
      const [a] = s.articles();
      assert.ok(a);
      const first = await get(a.url);
      const etag = first.headers.get('etag') ?? '';
      const lm = first.headers.get('last-modified') ?? '';
      const edited = s.editArticle(a.id, { text: 'A new first paragraph.\n\nAnd a second one.' });
      assert.ok(Date.parse(edited.updated) >= Date.parse(a.updated) + 1000);
      const byTag = await get(a.url, { 'if-none-match': etag });
      assert.equal(byTag.status, 200);
      assert.equal(storyText(await byTag.text()), 'A new first paragraph.\n\nAnd a second one.');
      assert.equal((await get(a.url, { 'if-modified-since': lm })).status, 200);
    } finally {
      await s.close();
    }
  });

  test('a markup-only edit changes the bytes but not the text', async () => {
    const s = await startNewsSite({ articles: 1 });
    try {
      const [a] = s.articles();
      assert.ok(a);
      const before = await get(a.url);
      const html0 = await before.text();
      for (let i = 1; i <= 3; i++) {
        s.editArticle(a.id, { markupOnly: true });
        const res = await get(a.url, { 'if-none-match': before.headers.get('etag') ?? '' });
        const html = await res.text();
        assert.equal(res.status, 200);
        assert.notEqual(html, html0);
        assert.equal(storyText(html), a.text);
        assert.equal(s.articles()[0]?.markupVersion, i);
      }
    } finally {
      await s.close();
    }
  });

  test('setNoai adds and removes the noai meta tag', async () => {
    const s = await startNewsSite({ articles: 1 });
    try {
      const [a] = s.articles();
      assert.ok(a);
      s.setNoai(a.id, true);
      assert.match(await (await get(a.url)).text(), /<meta name="robots" content="noai, noimageai">/);
      assert.equal(s.articles()[0]?.noai, true);
      s.setNoai(a.id, false);
      assert.doesNotMatch(await (await get(a.url)).text(), /noai/);
    } finally {
      await s.close();
    }
  });

  test('added articles appear everywhere; deleted ones answer 410 and leave the feeds', async () => {
    const s = await startNewsSite({ articles: 2 });
    try {
      const feed0 = await get(`${s.url}/feed.xml`);
      const feedTag = feed0.headers.get('etag') ?? '';
      const added = s.addArticle({ title: 'Ferry returns to the harbour', text: 'The ferry is back.' });
      assert.equal(added.id, '3');
      assert.equal(s.articles()[0]?.id, '3');
      const feed1 = await get(`${s.url}/feed.xml`, { 'if-none-match': feedTag });
      assert.equal(feed1.status, 200);
      assert.match(await feed1.text(), /<title>Ferry returns to the harbour<\/title>/);
      assert.equal((await get(added.url)).status, 200);

      s.deleteArticle('1');
      assert.equal((await get(`${s.url}/articles/1`)).status, 410);
      assert.deepEqual(
        s.articles().map((a) => a.id),
        ['3', '2'],
      );
      assert.doesNotMatch(await (await get(`${s.url}/sitemap.xml`)).text(), /\/articles\/1</);
      assert.doesNotMatch(await (await get(`${s.url}/atom.xml`)).text(), /\/articles\/1</);
      assert.equal((await get(`${s.url}/articles/99`)).status, 404);
      assert.throws(() => s.editArticle('1', { text: 'x' }), /no article 1/);
    } finally {
      await s.close();
    }
  });

  test('feeds also answer 304 when nothing changed', async () => {
    for (const p of ['/', '/feed.xml', '/atom.xml', '/sitemap.xml']) {
      const first = await get(u(p));
      await first.arrayBuffer();
      const second = await get(u(p), { 'if-none-match': first.headers.get('etag') ?? '' });
      assert.equal(second.status, 304, p);
    }
  });
});
