import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written shop page built from a template: two sections filled in, two left with the template's
// placeholder copy under a placeholder heading; and a hand-written article about that placeholder copy.

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Quis ipsum suspendisse ultrices gravida.';

test("a shop page's sections left with the template's placeholder copy are not its content", () => {
  const section = (h: string, p: string) => `<section class="feature"><h3>${h}</h3><p>${p}</p></section>`;
  const html = `<html><head><title>Trail Bottle</title><meta property="og:type" content="product"></head><body>
    <div class="product"><h1>Trail Bottle 750 ml</h1><span class="price">€ 24.00</span>
      <button class="add-to-cart">Add to cart</button>
      ${section('Keeps it cold', 'Double steel walls keep water cold for a day on the hottest trail, and the cap seals with a quarter turn so nothing leaks into your pack.')}
      ${section('Made to last', 'The powder coat takes knocks on rock without chipping, and every part of the bottle can be bought again on its own if you lose one.')}
      ${section('Fits your hand', 'The neck is wide enough for ice cubes and narrow enough to drink from while walking, and the loop on the cap clips to a strap or a belt.')}
      ${section('Washes clean', 'Everything but the cap goes in the dishwasher, and the cap comes apart into three pieces that a brush reaches into without any tools.')}
      ${section('THIS CAN BE ANOTHER SUBJECT LINE', LOREM)}
      ${section('SUBJECT LINE', LOREM)}
    </div><footer>© Shop</footer></body></html>`;
  const d = extract(html, { url: 'https://shop.example/product/trail-bottle' });
  assert.equal(d.pageType?.type, 'product', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('quarter turn'), d.text);
  assert.ok(d.text.includes('Made to last'), d.text);
  assert.ok(!d.text.includes('Lorem ipsum'), d.text);
  assert.ok(!d.text.includes('ANOTHER SUBJECT LINE'), d.text);
});

test('an article may quote the placeholder', () => {
  const para = (i: number) =>
    `<p>Part ${i}: typesetters have filled empty pages with scrambled Latin since the sixteenth century, so that a layout can be judged without the words pulling the eye.</p>`;
  const html = `<html><head><title>Where lorem ipsum comes from</title><meta property="og:type" content="article"></head><body>
    <article><h1>Where lorem ipsum comes from</h1>${para(1)}<blockquote><p>${LOREM}</p></blockquote>${para(2)}${para(3)}</article></body></html>`;
  const d = extract(html, { url: 'https://news.example/2026/lorem-ipsum' });
  assert.ok(d.text.includes('Lorem ipsum dolor sit amet'), d.text);
});
