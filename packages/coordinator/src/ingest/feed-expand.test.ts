import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FeedError, parseFeed } from './feed-expand.js';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Blog</title>
    <atom:link href="https://blog.example/feed.xml" rel="self"/>
    <item>
      <title>First &amp; best</title>
      <link>https://blog.example/posts/1?a=1&amp;b=2</link>
      <pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate>
    </item>
    <item>
      <title><![CDATA[Second <b>post</b>]]></title>
      <guid isPermaLink="true">https://blog.example/posts/2#comments</guid>
    </item>
    <item><guid isPermaLink="false">tag:blog.example,2025:3</guid></item>
    <item><link>javascript:alert(1)</link></item>
    <item><link>https://blog.example/posts/1?a=1&amp;b=2</link></item>
  </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/">
  <title>News</title>
  <entry>
    <title>One</title>
    <link rel="alternate" type="text/html" href="/a/one"/>
    <link rel="edit" href="https://news.example/edit/1"/>
    <updated>2025-03-01T10:00:00+01:00</updated>
  </entry>
  <entry>
    <title type="html">Two</title>
    <link href="https://other.example/two"/>
    <published>2025-03-02</published>
  </entry>
</feed>`;

const SITEMAP = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://site.example/ </loc><lastmod>2025-01-01</lastmod><priority>1.0</priority></url>
  <url><loc>https://site.example/about</loc></url>
  <url><loc>/relative</loc></url>
</urlset>`;

const INDEX = `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://site.example/sitemap-1.xml</loc><lastmod>2025-02-03T04:05:06Z</lastmod></sitemap>
  <sitemap><loc>https://site.example/sitemap-2.xml.gz</loc></sitemap>
</sitemapindex>`;

describe('parseFeed', () => {
  test('RSS 2.0: link, permalink guids, entities and CDATA; bad and duplicate links skipped', () => {
    const f = parseFeed(RSS);
    assert.equal(f.kind, 'rss');
    assert.deepEqual(f.entries, [
      {
        url: 'https://blog.example/posts/1?a=1&b=2',
        updated: '2025-06-10T04:00:00.000Z',
        title: 'First & best',
      },
      { url: 'https://blog.example/posts/2', updated: null, title: 'Second <b>post</b>' },
    ]);
    assert.deepEqual(
      f.skipped.map((s) => s.reason),
      ['no URL', 'not http(s): javascript:', 'duplicate'],
    );
  });

  test('an RSS 0.91 DOCTYPE (no entity declarations) is fine; its DTD is never fetched', () => {
    const f = parseFeed(`<?xml version="1.0"?>
      <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
      <rss version="0.91"><channel><item><link>https://x.example/a</link></item></channel></rss>`);
    assert.deepEqual(f.entries, [{ url: 'https://x.example/a', updated: null, title: null }]);
  });

  test('RSS 1.0 (RDF) with dc:date', () => {
    const f = parseFeed(`<?xml version="1.0"?>
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
               xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://r.example/"><title>R</title></channel>
        <item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link>
          <dc:date>2024-12-24T08:00:00Z</dc:date></item>
      </rdf:RDF>`);
    assert.deepEqual(f, {
      kind: 'rss',
      entries: [{ url: 'https://r.example/1', updated: '2024-12-24T08:00:00.000Z', title: 'One' }],
      skipped: [],
    });
  });

  test('Atom: alternate link, xml:base for relative hrefs, updated or published', () => {
    const f = parseFeed(ATOM);
    assert.equal(f.kind, 'atom');
    assert.deepEqual(f.entries, [
      { url: 'https://news.example/a/one', updated: '2025-03-01T09:00:00.000Z', title: 'One' },
      { url: 'https://other.example/two', updated: '2025-03-02T00:00:00.000Z', title: 'Two' },
    ]);
  });

  test('sitemap: loc and lastmod; relative locs resolve against baseUrl when given', () => {
    const f = parseFeed(SITEMAP, { baseUrl: 'https://site.example/sitemap.xml' });
    assert.equal(f.kind, 'sitemap');
    assert.deepEqual(
      f.entries.map((e) => [e.url, e.updated]),
      [
        ['https://site.example/', '2025-01-01T00:00:00.000Z'],
        ['https://site.example/about', null],
        ['https://site.example/relative', null],
      ],
    );
  });

  test('sitemap index lists child sitemaps; gzipped bytes are inflated', () => {
    const f = parseFeed(gzipSync(Buffer.from(INDEX)));
    assert.equal(f.kind, 'sitemap-index');
    assert.deepEqual(
      f.entries.map((e) => [e.url, e.updated]),
      [
        ['https://site.example/sitemap-1.xml', '2025-02-03T04:05:06.000Z'],
        ['https://site.example/sitemap-2.xml.gz', null],
      ],
    );
  });

  test('bytes in a declared non-UTF-8 encoding are decoded', () => {
    const xml =
      '<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><title>Caf\xe9</title><link>https://c.example/</link></item></channel></rss>';
    const f = parseFeed(Buffer.from(xml, 'latin1'));
    assert.equal(f.entries[0]?.title, 'Café');
  });

  test('maxEntries caps the list and says so', () => {
    const f = parseFeed(SITEMAP, { baseUrl: 'https://site.example/', maxEntries: 1 });
    assert.equal(f.entries.length, 1);
    assert.deepEqual(
      f.skipped.map((s) => s.reason),
      ['over maxEntries (1)', 'over maxEntries (1)'],
    );
  });

  const fails = (input: string | Uint8Array, code: string, message: RegExp, opts = {}) =>
    assert.throws(
      () => parseFeed(input, opts),
      (e: unknown) => e instanceof FeedError && e.code === code && message.test(e.message),
    );

  test('bad XML fails naming what and where', () => {
    fails('<rss><channel><item></channel></rss>', 'invalid-xml', /line 1, column \d+: .*item/);
    fails(
      '<urlset>\n<url><loc>https://a.example/</loc></url>\n<url>',
      'invalid-xml',
      /ends before closing <urlset>, <url> \(truncated\?\)/,
    );
    fails('<!doctype html><html><body>hi</body></html>', 'invalid-xml', /HTML page, not a feed/);
    fails('', 'empty', /empty/);
    fails('   \n', 'empty', /empty/);
  });

  test('well-formed XML that is not a feed, and RSS without a channel', () => {
    fails('<?xml version="1.0"?><note><to>x</to></note>', 'not-a-feed', /root element <note>/);
    fails('<rss version="2.0"></rss>', 'not-a-feed', /no <channel>/);
  });

  test('entity declarations, oversize input and gzip bombs are refused', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>`;
    fails(lol, 'entities', /<!ENTITY>/);
    fails(SITEMAP, 'too-large', /larger than 100 bytes/, { maxBytes: 100 });
    const bomb = gzipSync(Buffer.from(`<urlset>${' '.repeat(2_000_000)}</urlset>`));
    fails(bomb, 'too-large', /inflates past 1000000 bytes/, { maxBytes: 1_000_000 });
    fails(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'invalid-xml', /gzipped feed is corrupt/);
    fails(Buffer.from('<?xml version="1.0" encoding="x-nope"?><rss/>'), 'encoding', /x-nope/);
  });
});
