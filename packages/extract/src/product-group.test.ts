import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// Open Graph's og:type "product.group" is a page that says it is a group of products (a shop's collection
// page). Its cards may each mark a schema.org Product and Offer in microdata: those are the cards'
// products, not the page's own, and no evidence that the page is one product's. A hand-written page in the
// shape of a Shopify collection of two sets (wcxb-dev 4760, a tune page, has this shape).

const card = (name: string, blurb: string, price: string) =>
  `<li><article class="pi" itemscope itemtype="https://schema.org/Product">
    <a href="/products/${name.toLowerCase().replaceAll(' ', '-')}"><h3 itemprop="name">${name}</h3></a><p>${blurb}</p>
    <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">${price}</span></div>
    <button type="button" name="add" class="js-quick-add">Add to bag</button></article></li>`;

const page = (
  og: string,
) => `<html><head><title>Gift sets</title><meta property="og:type" content="${og}"></head><body>
  <main><h1>Gift sets</h1><ul class="collection__grid">
    ${card('Starter Trio', 'Three easy plants for a bright windowsill', '38.00')}
    ${card('Kitchen Herbs', 'Basil, mint and thyme in recycled pots', '24.00')}
  </ul></main></body></html>`;

test("a product group's page (og:type product.group) is a collection though its cards mark Products", () => {
  const d = extract(page('product.group'), { url: 'https://fernleaf.example/collections/gift-sets' });
  assert.equal(d.pageType?.type, 'collection', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('microdata-cards:Product'), JSON.stringify(d.pageType));
  // both cards are the page's text
  assert.ok(d.text.includes('Three easy plants') && d.text.includes('Basil, mint and thyme'), d.text);
});

test('a page that says it is one product (og:type product) is still a product page', () => {
  const d = extract(page('product'), { url: 'https://fernleaf.example/products/starter-trio' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
});
