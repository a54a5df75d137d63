import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHtml } from './dom.js';
import { extract } from './extract.js';
import { hiddenByClass } from './hidden-class.js';

// A hand-written shop page whose theme prints its custom fields (image URLs, price tiers, keyed by field
// name) in a definition list the stylesheet hides with a framework's class, beside the product's details.

const el = (cls: string) => parseHtml(`<div class="${cls}">x</div>`).doc.children[0] as never;

test('the classes that hide a box on every screen, not those shown on some', () => {
  for (const cls of ['hide', 'info hide', 'd-none', 'is-hidden', 'hidden'])
    assert.equal(hiddenByClass(el(cls)), true, cls);
  for (const cls of ['d-none d-md-block', 'hidden lg:flex', 'hide show-for-large', 'hidden-xs', 'hider', 'x'])
    assert.equal(hiddenByClass(el(cls)), false, cls);
});

const fields = Array.from(
  { length: 30 },
  (_, i) =>
    `<dt>swatch_thumb_${i}:</dt><dd>https://cdn.shop.example/images/swatches/linen-shirt/swatch-${i}-thumbnail-160x160.jpg</dd>`,
).join('');
const details = (inner: string) => `<div class="details"><h2>Details</h2>
  <p>A loose linen shirt cut long in the back, with a camp collar and a single chest pocket, washed once so it is soft from the first day.</p>
  <p>The linen is grown and woven in Normandy, and every shirt is sewn in our workshop in Porto by the same six people.</p>
  <p>Wash it cold with like colours and hang it to dry: linen softens with every wash and never needs an iron unless you want one.</p>
  <p>Each shirt ships in a paper bag with a spare button sewn inside the hem, and any repair in its first two years is on us.</p>
  <table><tr><th>Fabric</th><td>100% linen</td></tr><tr><th>Fit</th><td>Relaxed</td></tr></table>${inner}</div>`;

function page(inner: string, opts: { wrap?: string } = {}): string {
  const main = `<div class="product"><h1>Linen Shirt</h1><span class="price">€ 79.00</span>
    <button class="add-to-cart">Add to cart</button>${details(inner)}</div>`;
  return `<html><head><title>Linen Shirt | Shop</title><meta property="og:type" content="product"></head><body>
    <nav><a href="/">Home</a><a href="/shirts">Shirts</a></nav>
    ${opts.wrap ? `<div class="${opts.wrap}">${main}</div>` : main}
    <footer>© Shop</footer></body></html>`;
}

test("a theme's data hidden by a class is not the product's content", () => {
  const d = extract(page(`<dl class="product-info hide">${fields}</dl>`), {
    url: 'https://shop.example/product/linen-shirt',
  });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('camp collar'), d.text);
  assert.ok(d.text.includes('100% linen'), d.text);
  assert.ok(!d.text.includes('swatch_thumb'), d.text);
});

test('a box shown on larger screens stays, and so does a page hidden whole until its script runs', () => {
  const note =
    '<p class="d-none d-lg-block">Sizes run large: most people take one size down from their usual.</p>';
  const shown = extract(page(note), { url: 'https://shop.example/product/linen-shirt' });
  assert.ok(shown.text.includes('Sizes run large'), shown.text);
  // (without Readability's second opinion, which would find it anyway)
  const whole = extract(page('', { wrap: 'root hide' }), {
    url: 'https://shop.example/product/linen-shirt',
    secondOpinion: false,
  });
  assert.ok(whole.text.includes('camp collar'), whole.text);
});
