import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHtml, textOf } from './dom.js';
import { extract } from './extract.js';
import { productAnchors } from './product-block.js';

// Hand-written shop pages: a product whose JSON-LD names it and describes it, printed among the page's
// chrome (navigation, a shipping notice, a "you may also like" carousel, the shop's long "about" text).

const DESCRIPTION =
  'The Harbour Jacket keeps out wind and rain on a wet crossing. Its waxed cotton shell is lined with brushed flannel, and the storm collar folds away.';
const ld = (description: string, name = 'Harbour Jacket') =>
  `<script type="application/ld+json">${JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Product',
    name,
    description,
    offers: { '@type': 'Offer', price: '189.00', priceCurrency: 'EUR' },
  })}</script>`;
const about = Array.from(
  { length: 8 },
  (_, i) =>
    `<p>Our workshop, part ${i}, has sewn coats by hand since 1962, and every seam, every button and every pocket is checked twice, by two people, before a coat leaves the building.</p>`,
).join('');
const carousel = `<div class="recs"><h2>You may also like</h2>${Array.from(
  { length: 6 },
  (_, i) => `<div class="card"><a href="/p/${i}">Deck Coat ${i}</a><span>€ 99</span></div>`,
).join('')}</div>`;

function page(descriptionBox: string, opts: { ld?: string } = {}): string {
  return `<html><head><title>Harbour Jacket | Coats</title>${opts.ld ?? ld(DESCRIPTION)}</head><body>
    <nav><a href="/">Home</a><a href="/coats">Coats</a></nav>
    <div class="notice">Free delivery on orders over €50, returns within 30 days.</div>
    <div class="pdp"><div class="summary"><h1 class="title">Harbour Jacket</h1><div class="price">€ 189.00</div>
      <table class="specs"><tr><th>Shell</th><td>Waxed cotton</td></tr><tr><th>Lining</th><td>Flannel</td></tr></table>
      </div>${descriptionBox}</div>
    ${carousel}
    <div class="about-us">${about}</div>
    <footer>© Coats Ltd</footer></body></html>`;
}

test("a product page is its product block, found by the JSON-LD Product's name and description", () => {
  const d = extract(page(`<div class="description"><p>${DESCRIPTION}</p></div>`), {
    url: 'https://shop.example/products/harbour-jacket',
  });
  assert.equal(d.pageType?.type, 'product');
  assert.ok(d.text.includes('waxed cotton shell is lined'), d.text);
  assert.ok(d.text.includes('Waxed cotton'), `specifications missing: ${d.text}`);
  // the shop's long "about" text outscores the short description for the article scorer (and for
  // Readability's second opinion): the product's own data says where the product is
  assert.ok(!d.text.includes('Our workshop'), d.text);
  assert.ok(!d.text.includes('Deck Coat'), d.text);
  assert.ok(!d.text.includes('© Coats'), d.text);
  // the product's name heads its block (pruning drops an article's <h1>, which repeats the title)
  assert.ok(d.text.startsWith('Harbour Jacket'), d.text);
});

test('a product description in a hidden dialog (a details sheet a script opens) is kept', () => {
  const sheet = `<div class="sheet" role="dialog" style="display:none"><aside><p>${DESCRIPTION}</p></aside></div>`;
  const d = extract(page(sheet), { url: 'https://shop.example/products/harbour-jacket' });
  assert.ok(d.text.includes('waxed cotton shell is lined'), d.text);
  assert.ok(!d.text.includes('Our workshop'), d.text);
});

test('the description is found when printed in pieces, with curly quotes or URL-encoded in the JSON-LD', () => {
  const desc =
    "It's the coat for a wet crossing: waxed cotton outside, flannel inside.\nStorm collar folds into the neck.";
  const printed = `<div class="d"><p><b>It’s the coat for a wet crossing:</b> waxed cotton outside, flannel inside.</p><ul><li>Storm collar folds into the neck.</li></ul></div>`;
  const html = `<body><h1>Harbour Jacket</h1>${printed}</body>`;
  for (const description of [desc, encodeURIComponent(desc)]) {
    const a = productAnchors(parseHtml(html).doc.children[0] as never, {
      name: 'Harbour Jacket – Waxed Cotton',
      description,
    });
    assert.ok(a, `not found for ${description.slice(0, 30)}`);
    assert.equal(a.heading.name, 'h1');
    assert.ok(textOf(a.description).includes('wet crossing'));
  }
  // the page prints typographic quotes where the JSON-LD has straight ones
  const curly = productAnchors(
    parseHtml(`<body><h1>Harbour Jacket</h1><p>It’s the coat you’ll want on a wet crossing.</p></body>`).doc
      .children[0] as never,
    { name: 'Harbour Jacket', description: "It's the coat you'll want on a wet crossing." },
  );
  assert.ok(curly);
  // a heading that is another product's name is not this product's
  const other = productAnchors(
    parseHtml(`<body><h1>Deck Coat</h1>${printed}</body>`).doc.children[0] as never,
    {
      name: 'Harbour Jacket',
      description: desc,
    },
  );
  assert.equal(other, null);
});
