import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// Hand-written shop pages: an app shell whose product scripts draw (skeleton boxes, two section headings,
// the product only in its JSON-LD), and the same shop's page drawn by the server with a short description.

const ld = (name: string) =>
  `<script type="application/ld+json">${JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Product',
    name,
    description: 'A light laptop with a bright touchscreen and a battery that lasts a full working day.',
  })}</script>`;
const head = (name: string) => `<head><title>${name}</title>${ld(name)}</head>`;
const NAME = 'Aster Book 14 Laptop - 16GB Memory - 512GB Storage';

test("a shop's app shell (skeleton boxes and section headings, the product not named) has no main content", () => {
  const skeleton = '<div class="skeleton shimmer" style="min-height:400px"></div>';
  const html = `<html>${head(NAME)}<body><header><a href="/">Shop</a></header>
    <main><div class="product-page">${skeleton}${skeleton}${skeleton}
      <div class="section"><h2>Reviews</h2>${skeleton}</div>
      <div class="ads"><h3>Similar products from other stores</h3><span>sponsored</span>${skeleton}</div>
    </div></main><footer><a href="/help">Help</a></footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/site/aster-book-14/123.p' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.equal(d.text, '');
  assert.equal(d.reason, 'no-main-content');
});

test('a short product page drawn by its server keeps its name, price and sentence', () => {
  const html = `<html>${head(NAME)}<body><header><a href="/">Shop</a></header>
    <main><div class="product-page"><h1>${NAME}</h1><span class="price">$899.00</span>
      <p>Ships in two days.</p>
      <div class="section"><h2>Reviews</h2></div>
    </div></main><footer><a href="/help">Help</a></footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/site/aster-book-14/123.p' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('$899.00'), d.text);
  assert.ok(d.text.includes('Aster Book 14'), d.text);
});

test('a short product page without a sentence still counts when it names the product', () => {
  const html = `<html>${head(NAME)}<body><main><div class="product-page">
      <h2>Aster Book 14 Laptop</h2><span class="price">$899.00</span><div><h2>Reviews</h2></div>
    </div></main></body></html>`;
  const d = extract(html, { url: 'https://shop.example/site/aster-book-14/123.p' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('$899.00'), d.text);
});

test("a shell frame's page still takes a second reading that names the product (a description tab the class hides)", () => {
  // the description sits in a tab panel a script opens (class "hidden" until clicked): the cleaning drops
  // it, leaving the frame's headings, but Readability reads it, and it names the product in sentences
  const tab = [1, 2, 3]
    .map(
      (i) =>
        `<p>The Aster Book 14 Laptop, point ${i}: a bright touchscreen, a quiet fan and a battery that lasts a full working day, in a case that weighs little.</p>`,
    )
    .join('');
  const html = `<html>${head(NAME)}<body><header><a href="/">Shop</a></header>
    <main><div class="product-page"><div class="section"><h2>Reviews</h2></div>
      <div class="ads"><h3>Similar products from other stores</h3><span>sponsored</span></div>
      <div class="tab-panel hidden" id="description">${tab}</div>
    </div></main><footer><a href="/help">Help</a></footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/site/aster-book-14/123.p' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('a quiet fan'), d.text);
});
