import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanTree } from './clean.js';
import { type Element, firstByName, parseHtml, textOf } from './dom.js';
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

test('a link hidden from screen readers but left out of the tab order is shown; other hidden links are not', () => {
  const html =
    '<html><body><article><h2><a href="/s/1">Story title</a></h2><p><a href="/s/1" aria-hidden="true" tabindex="-1">The story in one line, linked again.</a></p><a href="/s/1" aria-hidden="true">Hidden copy</a></article></body></html>';
  const body = firstByName(parseHtml(html).doc, 'body') as Element;
  cleanTree(body);
  const text = textOf(body);
  assert.ok(text.includes('The story in one line, linked again.'), text);
  assert.ok(!text.includes('Hidden copy'), text);
});
