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
  assert.equal(m.published, '2023-07-01T10:00:00.000Z');
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
  assert.equal(toIso('2019-11-20T01:50:59.403Z'), '2019-11-20T01:50:59.000Z');
  assert.equal(toIso('2019-11-20T01:50:59+0200'), '2019-11-19T23:50:59.000Z');
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
