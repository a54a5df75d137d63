import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A blog's front page marks every post card with microdata (itemscope itemtype=schema.org/BlogPosting), the
// same type an article page marks its one article with: the count, not the type, tells the two apart.

const card = (i: number) =>
  `<article class="post-card" itemscope itemtype="https://schema.org/BlogPosting">
    <time itemprop="datePublished">March ${i + 1}, 2026</time>
    <h2 itemprop="headline"><a href="/post-${i}">Field note ${i}: moving the compost heap before spring</a></h2>
    <p itemprop="description">A short summary of note ${i}, what we tried in the garden and what the soil told us.</p>
  </article>`;

const story = (i: number) =>
  `<article class="related" itemscope itemtype="https://schema.org/BlogPosting"><h3><a href="/r${i}">Related story ${i}</a></h3></article>`;

const prose = Array.from(
  { length: 6 },
  (_, i) =>
    `<p>Paragraph ${i} of the post explains, at some length and with commas, how the heap was turned and why.</p>`,
).join('');

test('a page marking eight boxes as BlogPostings is a listing of them, not one article', () => {
  const cards = Array.from({ length: 8 }, (_, i) => card(i)).join('');
  const html = `<html><body><nav><a href="/">Garden blog</a></nav><main><h1>Latest posts</h1>${cards}</main><footer>© the garden</footer></body></html>`;
  const d = extract(html, { url: 'https://garden.example/' });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('microdata-cards:BlogPosting:8'), d.pageType?.signals.join(' '));
  // and it is not taken for a declared article either (that would keep the scorer's one box)
  assert.ok(!d.pageType?.signals.includes('microdata:BlogPosting'));
});

test('an article marked as a BlogPosting beside a strip of three marked related stories stays an article', () => {
  const related = [1, 2, 3].map(story).join('');
  const html = `<html><body><main><article itemscope itemtype="https://schema.org/BlogPosting"><h1 itemprop="headline">Moving the compost heap</h1><div itemprop="articleBody">${prose}</div></article><aside>${related}</aside></main></body></html>`;
  const d = extract(html, { url: 'https://garden.example/2026/03/compost' });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('microdata:BlogPosting'));
  assert.ok(d.text.includes('Paragraph 5 of the post'), d.text);
});

test('a news article marked as an Article beside a sidebar of ten marked teasers stays an article', () => {
  const teasers = Array.from({ length: 10 }, (_, i) => story(i)).join('');
  const body = Array.from(
    { length: 12 },
    (_, i) =>
      `<p>Paragraph ${i} of the report sets out, at some length and with commas, what the council decided and why.</p>`,
  ).join('');
  const html = `<html><body><main><article class="single-story" itemscope itemtype="https://schema.org/BlogPosting"><h1>Council votes on the heap</h1>${body}</article><aside class="rail">${teasers}</aside></main></body></html>`;
  const d = extract(html, { url: 'https://news.example/2026/03/council-heap' });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Paragraph 11 of the report'), d.text);
});
