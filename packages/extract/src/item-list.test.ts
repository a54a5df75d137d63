import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const prose = (i: number) =>
  `Paragraph ${i} of the introduction explains, at some length and with commas, what this list is about and why.`;

test('an undeclared listing page gives every item of its run, link titles included, not only its intro', () => {
  const items = Array.from(
    { length: 12 },
    (_, i) =>
      `<tr class="athing"><td class="title"><a href="/item/${i}">Startup ${i} is hiring a platform engineer</a> (example.org)</td></tr><tr><td class="sub">${i + 1} days ago</td></tr>`,
  ).join('');
  const html = `<html><body><header><a href="/">Jobs</a></header><center><table><tr><td><p>These are jobs at our startups, with commas, listed by date.</p></td></tr>${items}</table></center></body></html>`;
  const d = extract(html, { url: 'https://news.example/jobs', secondOpinion: false });
  for (let i = 0; i < 12; i++)
    assert.ok(d.text.includes(`Startup ${i} is hiring`), `item ${i} missing: ${d.text}`);
});

test('when the scorer picks the intro beside a run of item cards, the run is taken with it', () => {
  const intro = `<div class="intro"><p>${prose(1)}</p></div>`;
  const cards = Array.from(
    { length: 10 },
    (_, i) =>
      `<div class="card"><a href="/r/${i}">Slow-cooked tomato sauce number ${i}</a><span>Ready in ${i + 20} minutes, serves four</span></div>`,
  ).join('');
  const html = `<html><body><main>${intro}<div class="grid">${cards}</div></main><footer>© recipes</footer></body></html>`;
  const d = extract(html, { url: 'https://recipes.example/tomato-sauces', secondOpinion: false });
  assert.ok(d.text.includes('Paragraph 1 of the introduction'), d.text);
  for (let i = 0; i < 10; i++) assert.ok(d.text.includes(`tomato sauce number ${i}`), `card ${i}: ${d.text}`);
});

test('a declared article keeps its text: a sidebar of linked teasers is not taken for a listing', () => {
  const archive = Array.from(
    { length: 10 },
    (_, i) =>
      `<article class="entry"><a href="/y/${i}">Archive post title ${i}</a><a href="/z/${i}">Another archived post ${i}</a><a href="/w/${i}">A third archived post, ${i}</a><a href="/v/${i}">And the fourth archived post ${i}</a></article>`,
  ).join('');
  const body = [1, 2, 3, 4].map((i) => `<p>${prose(i)}</p>`).join('');
  const html = `<html><head><script type="application/ld+json">{"@type":"BlogPosting","headline":"A post"}</script></head><body><article class="post">${body}</article><div class="aside"><div class="years">${archive}</div></div></body></html>`;
  const d = extract(html, { url: 'https://blog.example/2024/01/a-post', secondOpinion: false });
  // its own <article> teasers make it less than certain
  assert.equal(d.pageType?.type, 'article');
  assert.ok((d.pageType?.confidence ?? 1) < 0.75, JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Paragraph 4 of the introduction'));
  assert.ok(!d.text.includes('Archive post title'), d.text);
});

test('a shop page drawn twice (desktop and mobile copies) gives its text once; single repeats stay', () => {
  const specs =
    '<div class="specs"><h3>Material</h3><p>6061-T6 aluminium, anodised</p><h3>Weight</h3><p>2 oz, lighter than the old one</p><p>The wallet is minimalist without being limiting, about carrying less but having what you need.</p></div>';
  const html = `<html><head><meta property="og:type" content="product"></head><body><main><h1>Wallet</h1><p>${prose(1)}</p><div class="desktop">${specs}</div><div class="mobile">${specs}</div><p>Not valid with other offers.</p><p>Free returns.</p><p>Not valid with other offers.</p></main></body></html>`;
  const d = extract(html, { url: 'https://shop.example/products/wallet', secondOpinion: false });
  assert.equal(d.pageType?.type, 'product');
  assert.equal(d.text.split('minimalist without being limiting').length - 1, 1, d.text);
  assert.equal(d.text.split('Not valid with other offers').length - 1, 2, d.text);
});

test('a page that declares a JSON-LD ItemList is that list, even when it also calls itself an article', () => {
  const urls = Array.from({ length: 6 }, (_, i) => `https://recipes.example/sauce-${i}`);
  const ld = JSON.stringify([
    { '@context': 'https://schema.org', '@type': 'CollectionPage', name: 'Tomato sauces' },
    {
      '@context': 'https://schema.org',
      '@type': 'ItemList',
      itemListElement: urls.map((url, i) => ({ '@type': 'ListItem', position: i + 1, url })),
    },
  ]);
  // few cards, no repeated class: nothing marks them as a run but the page's own list
  const cards = urls
    .map(
      (u, i) =>
        `<div class="c${i}"><a href="${u.replace('https://recipes.example', '')}"><span>Sauce number ${i}</span></a></div>`,
    )
    .join('');
  const html = `<html><head><meta property="og:type" content="article"><script type="application/ld+json">${ld}</script></head><body>
    <div class="legal"><p>${prose(1)}</p><p>${prose(2)}</p><p>${prose(3)}</p></div>
    <section class="grid">${cards}</section><footer>© Recipes</footer></body></html>`;
  const d = extract(html, { url: 'https://recipes.example/tomato-sauces', secondOpinion: false });
  for (let i = 0; i < 6; i++) assert.ok(d.text.includes(`Sauce number ${i}`), `item ${i} missing: ${d.text}`);
  assert.ok(!d.text.includes('Paragraph 1 of the introduction'), d.text);
});

test('a tag page whose URL looks like a forum topic, but which has no post boxes, is its run of items', () => {
  const intro = `<div class="intro"><p>${prose(1)}</p><p>${prose(2)}</p></div>`;
  const cards = Array.from(
    { length: 10 },
    (_, i) =>
      `<div class="river-item"><a href="/news/${i}">Headphones story number ${i}</a><span>${i + 1}d</span></div>`,
  ).join('');
  const html = `<html><body><div class="page">${intro}<div class="grid">${cards}</div></div><footer>© news</footer></body></html>`;
  const d = extract(html, { url: 'https://news.example/topic/headphones', secondOpinion: false });
  // an unnumbered /topic/ off a forum host no longer types it a forum (topic-path.test.ts); a page typed
  // forum by its URL alone keeps its item run all the same when the URL does not number a thread (a forum
  // host's named topic below; a numbered one is a thread of an unknown board: forum-unknown.test.ts)
  assert.notEqual(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
  for (let i = 0; i < 10; i++)
    assert.ok(d.text.includes(`Headphones story number ${i}`), `card ${i}: ${d.text}`);
  const named = extract(html, { url: 'https://forum.news.example/topic/headphones', secondOpinion: false });
  assert.equal(named.pageType?.type, 'forum', JSON.stringify(named.pageType));
  for (let i = 0; i < 10; i++)
    assert.ok(named.text.includes(`Headphones story number ${i}`), `card ${i}: ${named.text}`);
});

test('a blog index keeps its linked post titles, each before its summary, on a page not typed a listing', () => {
  const posts = Array.from(
    { length: 6 },
    (_, i) =>
      `<p class="blogtitle"><a href="/blog/post-${i}">Release notes for version ${i}</a></p><p class="blogsummary">What changed in version ${i}: a faster collector, fewer allocations and a new tool.</p>`,
  ).join('');
  const html = `<html><body><nav><a href="/">Home</a> <a href="/blog/">Blog</a></nav><div class="Article"><h1>The Blog</h1>${posts}</div></body></html>`;
  const d = extract(html, { url: 'https://lang.example/', secondOpinion: false });
  assert.notEqual(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  for (let i = 0; i < 6; i++) {
    assert.ok(d.text.includes(`Release notes for version ${i}`), `title ${i}: ${d.text}`);
    assert.ok(d.text.includes(`What changed in version ${i}`), `summary ${i}: ${d.text}`);
  }
});

test("Open Graph's article type (which CMSs put on every page) does not keep a tag page from its items", () => {
  const intro = `<div class="intro"><p>${prose(1)}</p></div>`;
  const cards = Array.from(
    { length: 10 },
    (_, i) =>
      `<li class="teaser-list__item"><a href="/news/${i}">Rental car story number ${i}</a><p>${i + 1} years ago</p></li>`,
  ).join('');
  const html = `<html><head><meta property="og:type" content="article"></head><body><div class="page">${intro}<ul class="teasers">${cards}</ul></div><footer>© news</footer></body></html>`;
  const d = extract(html, { url: 'https://news.example/topic/Car%20Rental', secondOpinion: false });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  for (let i = 0; i < 10; i++)
    assert.ok(d.text.includes(`Rental car story number ${i}`), `card ${i} missing: ${d.text}`);
});

test('the box of the JSON-LD ItemList is kept even when its class reads as boilerplate ("recirc")', () => {
  const urls = Array.from({ length: 8 }, (_, i) => `https://recipes.example/dinner-${i}`);
  const ld = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    itemListElement: urls.map((url, i) => ({ '@type': 'ListItem', position: i + 1, url })),
  });
  const cards = urls
    .map((u, i) => `<a class="recirc-card" href="${u}"><span>Dinner no. ${i}</span></a>`)
    .join('');
  const html = `<html><head><script type="application/ld+json">${ld}</script></head><body>
    <div class="intro"><h1>Dinner</h1>${[1, 2, 3, 4].map((i) => `<p>${prose(i)}</p>`).join('')}</div>
    <div class="recirc-list">${cards}</div><footer>© Recipes</footer></body></html>`;
  const d = extract(html, { url: 'https://recipes.example/dinner', secondOpinion: false });
  for (let i = 0; i < 8; i++) assert.ok(d.text.includes(`Dinner no. ${i}`), `item ${i} missing: ${d.text}`);
});
