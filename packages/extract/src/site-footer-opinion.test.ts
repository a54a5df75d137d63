import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// Readability, asked for a second opinion when our own text is short, has no notion of a site footer: on a
// shop's category page whose cards are little more than names and prices, the longest run of prose left is
// can be the footer's "about us" blurb, and it takes that (wcxb-dev 4760, a tune page). The page's footer (a <footer> outside any
// article, aside, main, nav or section, or a role=contentinfo box) is no page's content, so that reading is
// not taken. A hand-written page in the shape of a Shopify collection page.

const ABOUT =
  'At Fernleaf we make plant care simple, honest and kind to the planet. We believe every home deserves a little green, whatever the light and however busy the week, and we are here to help you keep it growing season after season.';

// a shop's footer: a column or two of links under the blurb (their labels run together in textContent)
const LINKS =
  'Returns,Contact,Delivery,Gift cards,Careers,Press,Privacy,Terms,Instagram,Pinterest,Facebook,Stores,Help and FAQ,About us,Events,Journal'.split(
    ',',
  );

function shop(footerTag: 'footer' | 'div role="contentinfo"'): string {
  const close = footerTag.split(' ')[0];
  return `<html><head><title>Gift sets | Fernleaf</title></head><body>
    <header><nav><a href="/">Home</a><a href="/collections/all">Shop</a><a href="/pages/about">About</a></nav></header>
    <main id="main" role="main"><section class="collection"><h1>Gift sets</h1><p>2 items</p>
      <ul class="grid">
        <li><article class="card"><a href="/products/starter"><h3>Starter Trio</h3></a><p>Three easy plants</p><span>£38</span><s>£45</s></article></li>
        <li><article class="card"><a href="/products/herbs"><h3>Kitchen Herbs</h3></a><p>Basil, mint, thyme</p><span>£24</span><s>£30</s></article></li>
      </ul></section>
    </main>
    <${footerTag} class="footer"><div class="footer__main"><div class="footer__top"><p class="footer__message">${ABOUT}</p></div>
      <ul class="footer__links">${LINKS.map((l) => `<li><a href="/pages/${l.toLowerCase().replaceAll(' ', '-')}">${l}</a></li>`).join('')}</ul></div>
    </${close}>
    </body></html>`;
}

for (const tag of ['footer', 'div role="contentinfo"'] as const)
  test(`the second opinion is not taken when it reads the site footer (<${tag}>)`, () => {
    const d = extract(shop(tag), { url: 'https://fernleaf.example/collections/gift-sets' });
    assert.ok(!d.text.includes('Fernleaf we make plant care'), `the footer's blurb stays out: ${d.text}`);
    assert.ok(!d.warnings.includes('second-opinion: readability'), `${d.warnings}`);
  });

test('a second opinion that is not the site footer is still taken on the same page', () => {
  // the page's copy sits in a box its class hides until a script shows it: our reading leaves it out,
  // Readability (which reads no classes) takes it, and its words are not the footer's
  const copy = [1, 2, 3, 4]
    .map(
      (n) =>
        `<p>Care note ${n}: water the starter plants once a week, let the soil dry between waterings, and keep them out of direct afternoon sun.</p>`,
    )
    .join('');
  const page = shop('footer').replace(
    '<p>2 items</p>',
    `<div class="hidden js-care-notes">${copy}</div><p>2 items</p>`,
  );
  const d = extract(page, { url: 'https://fernleaf.example/collections/gift-sets' });
  assert.ok(d.warnings.includes('second-opinion: readability'), `${d.warnings}`);
  assert.ok(d.text.includes('Care note 4'), d.text);
  assert.ok(!d.text.includes('Fernleaf we make plant care'), d.text);
});
