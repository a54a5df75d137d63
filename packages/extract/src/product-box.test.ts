import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// Hand-written shop pages without JSON-LD: the product's box (name, price, buy button, description and
// specifications) inside <main>, followed by the shop's own story sections that the scorer takes in with it.

const para = (s: string) => `<p>${s}</p>`;
const story = `<div class="brand-story">
  <section><h3>Made in California</h3>${para('Since 2013 our small team has drawn every watch in our studio by the sea, and we still sketch each new dial by hand before a single part is made, because we like it that way.')}</section>
  <section><h3>Straps for every day</h3>${para('Swap the strap in seconds without any tools: leather for the office, mesh for the weekend, and rubber for the beach, all sold on their own in every colour we make.')}</section>
  <section><h3>Water resistance guide</h3>${para('Light rain and sweat are fine for every model we sell, short swims are fine from five atmospheres, and dives need twenty atmospheres or more, as printed on the back.')}</section>
  <section><h3>Our promise</h3>${para('Every order ships free over seventy-five dollars and comes back free within thirty days, with a two-year warranty on the movement and the case of every single watch.')}</section>
</div>`;
const productBox = (extra = '') => `<div class="product-detail">
  <div class="gallery"><img src="/a.jpg" alt=""></div>
  <div class="product-info"><h1>Classic Moon Silver 44MM</h1><span class="price">$168.00</span>
    <form action="/cart"><button type="submit" class="add-to-cart">Add to cart</button></form>
    <div class="tab-content"><h2>Description</h2>${para('The Classic sticks to its roots: minimalism is the perfect amount of something, and its clean dial meets our hex-shaped hands in polished silver steel.')}
      ${para("The date sits at three o'clock in a small window, lit by the same soft white as the hands, and the crown screws down so that a day at the pool does not let water in.")}
      ${para('It comes in a tin box with a spare strap, a strap tool and a card that tells you how to set the date without scratching the crystal or stopping the second hand.')}
      <h2>Specifications</h2><dl><dt>Case material</dt><dd>Stainless steel</dd><dt>Glass</dt><dd>Hardened mineral crystal</dd></dl></div>
  </div>${extra}</div>`;
const page = (
  main: string,
) => `<html><head><title>Classic Moon Silver</title><meta property="og:type" content="product"></head>
  <body><header><nav><a href="/">Home</a> <a href="/watches">Watches</a></nav></header>
  <main>${main}</main><footer><a href="/help">Help</a></footer></body></html>`;

test("a product page is its box of name, buy button and details, not the shop's story after it", () => {
  const d = extract(page(productBox() + story), { url: 'https://shop.example/classic-moon-silver.html' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('$168.00'), d.text);
  assert.ok(d.text.includes('sticks to its roots'), d.text);
  assert.ok(d.text.includes('Hardened mineral crystal'), d.text);
  assert.ok(!d.text.includes('Made in California'), d.text);
  assert.ok(!d.text.includes('Swap the strap'), d.text);
});

test("a later section the page heads with its own <h1> is the product's too", () => {
  const about = `<div class="about"><h1>About this piece</h1>${para('Each case is cut from one block of steel, brushed by hand and checked under a lens before it leaves the workshop, which is why no two look quite the same up close.')}</div>`;
  const d = extract(page(`<div class="top">${productBox()}</div>${about}${story}`), {
    url: 'https://shop.example/classic-moon-silver.html',
  });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('sticks to its roots'), d.text);
  assert.ok(d.text.includes('cut from one block of steel'), d.text);
});

test('a page without a buy button keeps what the scorer chose', () => {
  const box = productBox().replace(/<form[\s\S]*?<\/form>/, '');
  const d = extract(page(box + story), { url: 'https://shop.example/classic-moon-silver.html' });
  assert.ok(d.text.includes('sticks to its roots'), d.text);
  assert.ok(d.text.includes('Swap the strap'), d.text);
});
