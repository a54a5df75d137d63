import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHtml } from './dom.js';
import { readMetadata, toIso } from './metadata.js';

test('JSON-LD (inside @graph) beats <meta>, names are read from objects and lists', () => {
  const html = `<html lang="de-AT"><head><title>Fallback title - Site</title>
  <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
    {"@type":"WebSite","name":"Beispiel"},
    {"@type":"NewsArticle","headline":"Die Brücke ist fertig","datePublished":"2023-07-01T10:00:00Z",
     "author":[{"@type":"Person","name":"Anna Muster"},{"@type":"Person","name":"Ben Beispiel"}],
     "publisher":{"@type":"Organization","name":"Beispiel Zeitung"}}]}</script>
  <script type="application/ld+json">{ not json</script>
  <meta name="author" content="Someone Else"></head><body></body></html>`;
  const m = readMetadata(parseHtml(html).doc, 'https://example.at/a');
  assert.equal(m.title, 'Die Brücke ist fertig');
  assert.equal(m.byline, 'Anna Muster, Ben Beispiel');
  assert.equal(m.published, '2023-07-01T10:00:00Z');
  assert.equal(m.publishedSource, 'json-ld');
  assert.equal(m.siteName, 'Beispiel Zeitung');
  assert.equal(m.htmlLang, 'de-AT');
});

test('microdata, <time> and title fallbacks', () => {
  const html = `<html><head><title>A fairly long story title | Example Site</title></head><body>
  <span itemprop="author" itemscope><span itemprop="name">Carla Writer</span></span>
  <time datetime="2022-02-03">3 Feb</time></body></html>`;
  const m = readMetadata(parseHtml(html).doc, undefined);
  assert.equal(m.title, 'A fairly long story title');
  assert.equal(m.byline, 'Carla Writer');
  assert.equal(m.published, '2022-02-03');
  assert.equal(m.canonicalUrl, null);
});

test('dates become ISO 8601; non-dates become null', () => {
  assert.equal(toIso('2019-11-20T01:50:59.403Z'), '2019-11-20T01:50:59Z');
  // the page's own offset is kept: in UTC this is the 19th, the page says the 20th
  assert.equal(toIso('2019-11-20T01:50:59+0200'), '2019-11-20T01:50:59+02:00');
  assert.equal(toIso('2019-11-20 08:00'), '2019-11-20T08:00:00');
  assert.equal(toIso('2019/11/20'), '2019-11-20');
  assert.equal(toIso('Wed, 20 Nov 2019 10:00:00 GMT'), '2019-11-20T10:00:00.000Z');
  assert.equal(toIso('yesterday'), null);
  assert.equal(toIso(''), null);
});

test('the title is the h1 when it is a version of the declared one, without site suffix or twice-encoded entities', () => {
  const read = (head: string, body = '') =>
    readMetadata(parseHtml(`<html><head>${head}</head><body>${body}</body></html>`).doc, undefined).title;
  assert.equal(
    read(
      '<meta property="og:title" content="Recent Trends in Photography">',
      '<h1>8 Recent Trends in Photography</h1>',
    ),
    '8 Recent Trends in Photography',
  );
  assert.equal(read('<title>Dental Care | ONE Health Ohio</title>'), 'Dental Care');
  assert.equal(
    read(
      '<title>Healthy Eating Plate &amp;bull; The Nutrition Source</title>',
      '<h1>Healthy Eating Plate</h1>',
    ),
    'Healthy Eating Plate',
  );
  assert.equal(
    read('<meta property="og:title" content="The Adult&amp;#39;s Guide to Music Lessons">'),
    "The Adult's Guide to Music Lessons",
  );
  // an h1 that is not about the same thing (a site banner) is not the title
  assert.equal(
    read('<title>How meditation rewires brains</title>', '<h1>The Daily Paper</h1>'),
    'How meditation rewires brains',
  );
});

const readBody = (body: string, head = '', url?: string) =>
  readMetadata(parseHtml(`<html><head>${head}</head><body>${body}</body></html>`).doc, url);

test('the author from the Article of a graph whose WebPage comes first; a URL in meta author is skipped', () => {
  const graph = `<script type="application/ld+json">{"@graph":[
    {"@type":"WebPage","name":"A post","datePublished":"2020-01-01T00:00:00+00:00"},
    {"@type":"Article","headline":"A post","author":{"@type":"Person","name":"Jeff Writer"}}]}</script>`;
  assert.equal(readBody('', graph).byline, 'Jeff Writer');
  const metas =
    '<meta name="author" content="https://example.com/about"><meta name="sailthru.author" content="Dylan Writer">';
  assert.equal(readBody('', metas).byline, 'Dylan Writer');
  const yoast =
    '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Amy Writer">';
  assert.equal(readBody('', yoast).byline, 'Amy Writer');
});

test('a visible byline under the headline gives the author and the date', () => {
  const m = readBody(`<nav><ul><li><a href="/c">By Category</a></li></ul></nav>
    <article><h1>Ten ways to fold a map</h1>
    <div class="post-author"><span>By</span> <a href="/authors/jane-doe">Jane Doe</a></div>
    <p class="entry-meta">March 5, 2025 · 4 min read</p><p>Text.</p></article>`);
  assert.equal(m.byline, 'Jane Doe');
  assert.equal(m.published, '2025-03-05');
  assert.equal(m.publishedSource, 'visible text');
  // a name and a role in pieces of their own: the role is left behind
  assert.equal(
    readBody('<h1>Title</h1><div class="author-name"><b>Rachel Mac</b><i>Senior Writer</i></div>').byline,
    'Rachel Mac',
  );
  // "By Category" in a menu, a profile link to another site: no byline
  assert.equal(
    readBody(
      '<nav><a href="/c">By Category</a></nav><h1>T</h1><a href="https://bsky.app/profile/x">Bluesky</a>',
      '',
      'https://example.com/a',
    ).byline,
    null,
  );
});

test('dates: a work object or meta tag first, the URL last; a bare WebPage date is no publication date', () => {
  const page = (ld: string) => `<script type="application/ld+json">${ld}</script>`;
  assert.equal(
    readBody('', page('{"@type":"WebPage","datePublished":"2019-04-15T21:00:02+00:00"}')).published,
    null,
  );
  assert.equal(
    readBody('', page('{"@type":"BlogPosting","datePublished":"2019-04-15T21:00:02-05:00"}')).published,
    '2019-04-15T21:00:02-05:00',
  );
  const ms = readBody('', '<meta name="ms.date" content="03/06/2025">');
  assert.equal(ms.published, '2025-03-06');
  assert.equal(ms.publishedSource, 'meta tag');
  assert.equal(readBody('', '<meta property="article:modified_time" content="2025-03-06">').published, null);
  const url = readBody('<h1>T</h1>', '', 'https://example.com/2024/07/04/story');
  assert.equal(url.published, '2024-07-04');
  assert.equal(url.publishedSource, 'url');
});

test("the title loses a part that is the site's name, and a heading's permalink sign", () => {
  const read = (head: string, body = '', url?: string) => readBody(body, head, url).title;
  assert.equal(
    read('<title>Linear – The system for product development</title>', '', 'https://linear.app/'),
    'The system for product development',
  );
  assert.equal(
    read('<meta property="og:site_name" content="Cookshack"><title>Catering Tips | Cookshack</title>'),
    'Catering Tips',
  );
  // what would be left says too little: kept whole
  assert.equal(
    read('<title>Home - Ohio Artisans</title>', '', 'https://ohioartisans.org/'),
    'Home - Ohio Artisans',
  );
  assert.equal(
    read('<title>Models</title>', '<h1>Models<a class="headerlink" href="#m">¶</a></h1>'),
    'Models',
  );
});

test('an author that is the site itself gives way to the person under the headline', () => {
  const m = readBody(
    '<h1>Weekly wrap-up</h1><div class="post-author"><a href="/author/spencer">Spencer Writer</a></div>',
    '<meta property="og:site_name" content="Rapid7"><meta name="author" content="Rapid7">',
  );
  assert.equal(m.byline, 'Spencer Writer');
  // with no person to be found, the site's name stays
  assert.equal(
    readBody(
      '<h1>T</h1>',
      '<meta property="og:site_name" content="Rapid7"><meta name="author" content="Rapid7">',
    ).byline,
    'Rapid7',
  );
});

test("a forum thread's author is its first post's (data-author), not a later poster's microdata", () => {
  const m = readBody(`<h1>Best closed headphones?</h1>
    <article data-author="FirstPoster"><h4><a href="/members/firstposter.1/">FirstPoster</a></h4><p>Which?</p></article>
    <article data-author="Replier"><section itemprop="author" itemscope><span itemprop="name">Replier</span></section>
    <p>These.</p></article>`);
  assert.equal(m.byline, 'FirstPoster');
});
