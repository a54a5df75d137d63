import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const para = (i: number) =>
  `<p>Paragraph ${i} of the story: the council said on Tuesday that the new bridge, which cost more than expected, would open to traffic next spring after engineers finish their final checks.</p>`;

const PAGE = `<!doctype html><html lang="en-GB"><head>
<title>Bridge to open in spring | The Daily Example</title>
<meta name="description" content="The new bridge opens next spring.">
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<meta name="author" content="Jane Reporter">
<link rel="canonical" href="/news/bridge?utm=x">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="https://other.example/x">Partner</a></nav>
<div class="sidebar"><ul><li><a href="/a">Most read one</a></li><li><a href="/b">Most read two</a></li></ul></div>
<article><h1>Bridge to open in spring</h1>
<div class="byline">By Jane Reporter</div>
${para(1)}${para(2)}
<h2>What changes for drivers</h2>
<ul><li>Lower tolls for local residents on weekdays</li><li>A new cycle lane on the north side</li></ul>
${para(3)}
<p>Read the <a href="/docs/report.pdf">full engineering report</a> or write to press@example.org, phone +44 20 7946 0958.</p>
<pre><code>toll = base * 0.5</code></pre>
<table><tr><th>Vehicle</th><th>Toll</th></tr><tr><td>Car</td><td>£2</td></tr></table>
${para(4)}
<div class="share-buttons"><a href="https://twitter.com/share">Tweet</a></div>
</article>
<footer>Copyright The Daily Example. All rights reserved.</footer>
</body></html>`;

test('an article page yields text, markdown and metadata', () => {
  const d = extract(PAGE, { url: 'https://news.example.com/2024/bridge' });
  assert.equal(d.title, 'Bridge to open in spring');
  assert.equal(d.author, 'Jane Reporter');
  assert.equal(d.published, '2024-03-05T09:30:00+01:00');
  assert.equal(d.publishedSource, 'meta tag');
  assert.equal(d.siteName, 'The Daily Example');
  assert.equal(d.description, 'The new bridge opens next spring.');
  assert.equal(d.canonicalUrl, 'https://news.example.com/news/bridge?utm=x');
  assert.equal(d.language, 'en');
  assert.equal(d.reason, null);
  // main text: paragraphs separated by blank lines, no navigation/sidebar/share/footer
  const paras = d.text.split('\n\n');
  assert.ok(paras[0]?.startsWith('Paragraph 1 of the story'), paras[0]);
  assert.ok(d.text.includes('What changes for drivers'));
  assert.ok(d.text.includes('Lower tolls for local residents'));
  for (const bad of ['Most read', 'Home', 'Tweet', 'Copyright', 'By Jane Reporter'])
    assert.ok(!d.text.includes(bad), bad);
  // PII replaced by default and counted
  assert.ok(d.text.includes('write to [EMAIL], phone [PHONE].'));
  assert.deepEqual(d.pii, { email: 1, phone: 1, ip: 0, card: 0 });
  assert.equal(d.wordCount, d.text.match(/[\p{L}\p{N}_]+/gu)?.length);
  // markdown: headings, lists, code, tables, absolute links
  assert.match(d.markdown, /^## What changes for drivers$/m);
  assert.match(d.markdown, /^- Lower tolls for local residents on weekdays$/m);
  assert.ok(d.markdown.includes('[full engineering report](https://news.example.com/docs/report.pdf)'));
  assert.ok(d.markdown.includes('```\ntoll = base * 0.5\n```'));
  assert.match(d.markdown, /\| Vehicle \| Toll \|/);
  assert.ok(d.markdown.includes('[EMAIL]') && !d.markdown.includes('press@example.org'));
  // outgoing links of the whole page, absolute
  const urls = d.links.map((l) => l.url);
  assert.ok(urls.includes('https://news.example.com/news'));
  assert.ok(urls.includes('https://other.example/x'));
  assert.ok(urls.includes('https://news.example.com/docs/report.pdf'));
  // quality computed by default
  assert.equal(d.quality.words, d.wordCount > 0 ? d.quality.words : 0);
  assert.equal(d.qualityVerdict.preset, 'none');
});

test('PII can be kept, and a quality preset attaches a verdict', () => {
  const d = extract(PAGE, { url: 'https://news.example.com/', redactPii: false, qualityPreset: 'gopher' });
  assert.ok(d.text.includes('press@example.org'));
  assert.deepEqual(d.pii, { email: 0, phone: 0, ip: 0, card: 0 });
  // the four near-identical paragraphs are repetition in Gopher's sense
  assert.equal(d.qualityVerdict.preset, 'gopher');
  assert.equal(d.qualityVerdict.pass, false);
  assert.ok(
    d.qualityVerdict.reasons.some((r) => r.startsWith('gopher:dup')),
    d.qualityVerdict.reasons.join(),
  );
  assert.equal(extract(PAGE, { qualityPreset: 'c4' }).qualityVerdict.pass, true);
});

test('bytes are decoded with the header charset, and the language is detected from the text', () => {
  const html = `<html><head><meta charset="windows-1252"></head><body><article>${[1, 2, 3]
    .map(
      (i) =>
        `<p>Le conseil municipal a annoncé mardi que le nouveau pont, dont le coût a été plus élevé que prévu, ouvrira au printemps prochain (${i}).</p>`,
    )
    .join('')}</article></body></html>`;
  const bytes = Buffer.from(html, 'latin1');
  const d = extract(bytes, { url: 'https://fr.example/' });
  assert.ok(d.text.includes('annoncé mardi'), d.text);
  assert.equal(d.language, 'fr');
});

test('the crawler gets robots meta tags, nofollow marks, <base href> and links of bare fragments', () => {
  const d = extract(
    '<html><head><base href="https://cdn.example/docs/"><meta name="robots" content="noindex, noai"></head>' +
      '<body><a href="guide">g</a><a rel="nofollow" href="/login">l</a></body></html>',
    { url: 'https://example.org/a' },
  );
  assert.deepEqual(d.metaRobots, [{ name: 'robots', content: 'noindex, noai' }]);
  assert.deepEqual(
    d.links.map((l) => [l.url, l.nofollow ?? false]),
    [
      ['https://cdn.example/docs/guide', false],
      ['https://cdn.example/login', true],
    ],
  );
  const frag = extract('<a href="/x">x</a>', { url: 'https://example.org/' });
  assert.deepEqual(
    frag.links.map((l) => l.url),
    ['https://example.org/x'],
  );
});

test("a consent manager's privacy centre is never the content, however much of the page it is", () => {
  const purposes = Array.from(
    { length: 12 },
    (_, i) =>
      `<p>Purpose ${i}: we process your data, with our partners, to measure, store and personalise content, and you may object.</p>`,
  ).join('');
  const teasers = Array.from(
    { length: 4 },
    (_, i) => `<li><a href="/r/${i}">Weeknight dinner idea ${i}</a></li>`,
  ).join('');
  const html = `<html><body><main><h1>Dinner</h1><p>What is for dinner tonight? These recipes, picked by our editors.</p><ul>${teasers}</ul></main>
    <div id="onetrust-consent-sdk"><div class="ot-pc"><h3>Your Privacy</h3>${purposes}</div></div></body></html>`;
  const d = extract(html, { url: 'https://food.example/dinner', secondOpinion: false });
  assert.ok(!d.text.includes('Purpose'), d.text);
  assert.ok(d.text.includes('What is for dinner tonight'), d.text);
});
