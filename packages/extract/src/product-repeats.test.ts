import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written shop page that prints its product's description twice (under the name, and again in its
// "Description" tab), each time with a short line on where it is made; and a hand-written article quoting
// its own key sentence twice, as articles do.

const DESC =
  'A cast iron pan that goes from the hob to the oven to the table, seasoned with linseed oil and ready to cook on.';
const care = Array.from(
  { length: 3 },
  (_, i) =>
    `<p>Care ${i}: rinse it with hot water, dry it on a low flame, and wipe a drop of oil into it while it is still warm.</p>`,
).join('');

test("a product page's description printed twice comes out once; short lines stay as printed", () => {
  const html = `<html><head><title>Skillet</title><meta property="og:type" content="product"></head><body>
    <div class="product"><h1>Skillet 26 cm</h1><p>${DESC}</p>
<p>Made in Lyon.</p>
      <button class="add-to-cart">Add to cart</button>
      <div class="tab"><h2>Description</h2><p>${DESC}</p><p>Made in Lyon.</p>${care}</div></div>
    <footer>© Shop</footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/product/skillet' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.equal(d.text.split('goes from the hob').length - 1, 1, d.text);
  assert.ok(d.text.includes('Care 2'), d.text);
  assert.equal(d.text.split('Made in Lyon').length - 1, 2, d.text);
});

test('an article keeps a sentence it prints twice (a pull quote)', () => {
  const html = `<html><head><title>Pans</title><meta property="og:type" content="article"></head><body>
    <article><h1>Pans</h1><p>${DESC}</p>${care}<blockquote><p>${DESC}</p></blockquote></article></body></html>`;
  const d = extract(html, { url: 'https://news.example/2026/pans' });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.equal(d.text.split('goes from the hob').length - 1, 2, d.text);
});
