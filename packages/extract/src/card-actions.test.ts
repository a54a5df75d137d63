import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const count = (text: string, s: string) => text.split(s).length - 1;

test("a collection's cards lose the call to action each of them repeats; a single one stays", () => {
  const cards = Array.from(
    { length: 10 },
    (_, i) =>
      `<li class="card"><h3><a href="/products/shoe-${i}">Patent leather shoe ${i}</a></h3><p>Black, sizes 6 to 14</p><span class="price">$${40 + i}</span><div><a href="/products/shoe-${i}">View Details</a></div><div><a href="/compare/${i}">Add to cart</a></div></li>`,
  ).join('');
  const html = `<html><head><meta property="og:type" content="product.group"></head><body><main><h1>Shoes</h1>
    <p>Our shoes and socks finish any formal outfit.</p><p><a href="/sale">Shop now</a></p>
    <ul class="grid">${cards}</ul></main></body></html>`;
  const d = extract(html, { url: 'https://shop.example/collections/shoes', secondOpinion: false });
  assert.equal(d.pageType?.type, 'collection', JSON.stringify(d.pageType));
  for (let i = 0; i < 10; i++) assert.ok(d.text.includes(`Patent leather shoe ${i}`), d.text);
  assert.equal(count(d.text, 'View Details'), 0, d.text);
  assert.equal(count(d.text, 'Add to cart'), 0, d.text);
  assert.equal(count(d.text, 'Shop now'), 1, d.text);
});

test("a shop's cards keep the prices it marks for screen readers to skip (WooCommerce's <del>/<ins>)", () => {
  const price = (was: number, now: number) =>
    `<span class="price"><del aria-hidden="true"><span class="amount">$${was}.00</span></del> <span class="screen-reader-text">Original price was: $${was}.00.</span><ins aria-hidden="true"><span class="amount">$${now}.50</span></ins><span class="screen-reader-text">Current price is: $${now}.50.</span></span>`;
  const cards = Array.from(
    { length: 8 },
    (_, i) =>
      `<li class="product"><h3><a href="/product/bag-${i}/">Gear bag ${i}</a></h3><div class="short-description">A great solution for storing gear, size ${i}.</div>${price(30 + i, 20 + i)}</li>`,
  ).join('');
  const html = `<html><body><main><h1>Outdoor gear</h1><ul class="products">${cards}</ul></main></body></html>`;
  const d = extract(html, {
    url: 'https://shop.example/product-category/outdoor-gear/',
    secondOpinion: false,
  });
  assert.equal(d.pageType?.type, 'collection', JSON.stringify(d.pageType));
  for (let i = 0; i < 8; i++) {
    assert.ok(d.text.includes(`$${30 + i}.00`), d.text);
    assert.ok(d.text.includes(`$${20 + i}.50`), d.text);
  }
});
