import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written shop page with no JSON-LD (nothing names the product but its <h1>) and a hand-written
// article: the product keeps its name heading, the article drops its <h1> (the title carries it).

const features = Array.from(
  { length: 4 },
  (_, i) =>
    `<p>Feature ${i}: the kettle's double wall keeps the outside cool to the touch while the water boils, and the base turns freely on its stand.</p>`,
).join('');

test("a product page found without its structured data keeps its <h1>: the product's name", () => {
  const html = `<html><head><title>Shop</title><meta property="og:type" content="product"></head><body>
    <nav><a href="/">Home</a><a href="/kitchen">Kitchen</a></nav>
    <div class="product"><h1>Quiet Kettle 1.7 l</h1><span class="price">€ 59.00</span>
      <button class="add-to-cart">Add to cart</button>${features}</div>
    <footer>© Shop</footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/product/quiet-kettle' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Quiet Kettle 1.7 l'), d.text);
  assert.ok(d.text.includes('double wall'), d.text);
});

test('an article still drops its <h1>, which repeats its title', () => {
  const html = `<html><head><title>Why kettles whistle</title><meta property="og:type" content="article"></head><body>
    <article><h1>Why kettles whistle</h1>${features}</article></body></html>`;
  const d = extract(html, { url: 'https://news.example/2026/why-kettles-whistle' });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('double wall'), d.text);
  assert.ok(!d.text.includes('Why kettles whistle'), d.text);
});
