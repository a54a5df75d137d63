import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const shirts = ['Running Tee', 'Seamless Tank', 'Crest Long Sleeve', 'Power Cut Off', 'Legacy Drop Arm'];

test("a collection's product grid is kept when a box around it is classed as pagination", () => {
  const cards = Array.from(
    { length: 12 },
    (_, i) =>
      `<article class="product-card"><a href="/products/p${i}">${shirts[i % 5]} ${i}</a><p>slim fit</p><span class="price">$${20 + i}</span></article>`,
  ).join('');
  const seo = [1, 2, 3]
    .map((i) => `<p>Paragraph ${i} of our guide to gym tops explains, with commas, how to choose a fit.</p>`)
    .join('');
  const html = `<html><head><meta property="og:type" content="product.group"></head><body><main><h1>T-Shirts</h1>
    <div class="pagination_pagination"><div class="product-grid" role="list">${cards}</div><p>Showing 12 of 400</p></div>
    <div class="collection-text">${seo}</div></main><footer>© Shop</footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/collections/t-shirts', secondOpinion: false });
  assert.equal(d.pageType?.type, 'collection', JSON.stringify(d.pageType));
  for (let i = 0; i < 12; i++)
    assert.ok(d.text.includes(`${shirts[i % 5]} ${i}`), `card ${i} missing: ${d.text}`);
  assert.ok(d.text.includes('Paragraph 3 of our guide'), d.text);
});

test("on a page of story cards, a card's summary linked again (aria-hidden, out of the tab order) is shown; other hidden links are not", () => {
  const cards = Array.from(
    { length: 8 },
    (_, i) =>
      `<article class="story-card"><h2><a href="/s/${i}">Story title ${i}</a></h2><p><a href="/s/${i}" aria-hidden="true" tabindex="-1">The story number ${i} told in one line, linked again.</a></p><a href="/s/${i}" aria-hidden="true">Hidden copy ${i}</a></article>`,
  ).join('');
  const html = `<html><body><header><a href="/">Home</a></header><main><h1>Latest stories</h1>${cards}</main><footer>(c) News</footer></body></html>`;
  const d = extract(html, { url: 'https://news.example/stories/', secondOpinion: false });
  assert.ok(d.text.includes('The story number 3 told in one line, linked again.'), d.text);
  assert.ok(!d.text.includes('Hidden copy'), d.text);
});

test("on a forum thread, a post's links hidden from screen readers and out of the tab order (avatar, permalink) stay hidden", () => {
  const post = (i: number) =>
    `<article class="message message--post" id="post-${i}"><div class="message-cell"><a href="/members/rower${i}" class="avatar" aria-hidden="true" tabindex="-1">Avatar of rower${i}</a><h4 class="message-name"><a href="/members/rower${i}">rower${i}</a></h4></div>
      <div class="message-main"><header class="message-attribution">rower${i} replied on January ${i}, 2024 from the Thames valley club <a href="/threads/ropes.7/post-${i}" aria-hidden="true" tabindex="-1">Permalink to post ${i}</a></header>
      <div class="bbWrapper">Writer ${i} thinks the mooring lines come first, then the sheets, and the halyards can wait a season or two.</div></div></article>`;
  const html = `<html><body><nav><a href="/">Forums</a></nav><div class="block-body">${[1, 2, 3, 4, 5].map(post).join('')}</div><footer>(c) Boat Forum</footer></body></html>`;
  const d = extract(html, { url: 'https://boats.example/threads/ropes.7/', secondOpinion: false });
  assert.equal(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Writer 4 thinks the mooring lines'), d.text);
  assert.ok(!d.text.includes('Avatar of'), d.text);
  assert.ok(!d.text.includes('Permalink to post'), d.text);
});
