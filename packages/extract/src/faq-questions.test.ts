import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// schema.org's Question is a Q&A thread's main entity (Stack Exchange's QAPage: one question, its answers),
// and it is also what an FAQ marks each of its entries as, for search engines' FAQ results: shops' category
// pages, service pages and articles carry such FAQs. Several Questions (or a declared FAQPage) without a
// QAPage are an FAQ, and no evidence that the page is a forum. Hand-written pages.

const FAQ = [
  [
    'What grind does an espresso machine need?',
    'A fine grind, close to powdered sugar, so the water meets resistance.',
  ],
  ['How often should I descale it?', 'Every one to three months, depending on how hard your water is.'],
  [
    'Can I make cold drinks with it?',
    'Yes: pour a double shot over ice, or chill it first for a smoother taste.',
  ],
  [
    'Is a built-in grinder worth it?',
    'It saves counter space; a separate grinder is easier to upgrade later.',
  ],
];

const microdataFaq = (n: number) =>
  `<div class="faq-section"><h2>FAQ</h2>${FAQ.slice(0, n)
    .map(
      ([q, a]) =>
        `<div class="panel" itemscope itemprop="mainEntity" itemtype="https://schema.org/Question"><div itemprop="name">${q}</div>
          <div itemscope itemprop="acceptedAnswer" itemtype="https://schema.org/Answer"><p itemprop="text">${a}</p></div></div>`,
    )
    .join('')}</div>`;

const cards = Array.from(
  { length: 8 },
  (_, i) =>
    `<div class="product-tile"><a href="/p/machine-${i}">Espresso Machine ${i}</a><span class="price">$${199 + i * 20}.00</span><button name="add-to-cart">Add to cart</button></div>`,
).join('');

const shop = (faq: string, head = '') =>
  `<html><head><title>Espresso machines under $500</title>${head}</head><body><main><h1>Espresso machines under $500</h1>
    <div class="grid">${cards}</div>${faq}</main></body></html>`;

test("a shop's FAQ of marked Questions does not make its category page a forum", () => {
  const d = extract(shop(microdataFaq(4)), { url: 'https://kitchen.example/o?c=espresso-under-500' });
  assert.notEqual(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('faq-questions:4'), JSON.stringify(d.pageType));
  // the FAQ's JSON-LD form: FAQPage, or Questions printed one object each
  const ld = FAQ.map(([q, a]) => ({
    '@type': 'Question',
    name: q,
    acceptedAnswer: { '@type': 'Answer', text: a },
  }));
  const script = `<script type="application/ld+json">${JSON.stringify(ld)}</script>`;
  const j = extract(shop('', script), { url: 'https://kitchen.example/o?c=espresso-under-500' });
  assert.notEqual(j.pageType?.type, 'forum', JSON.stringify(j.pageType));
  // one Question beside a declared FAQPage is that FAQ's
  const declared = `<script type="application/ld+json">${JSON.stringify([{ '@type': 'FAQPage', name: 'FAQ' }, ld[0]])}</script>`;
  const f = extract(shop('', declared), { url: 'https://kitchen.example/o?c=espresso-under-500' });
  assert.notEqual(f.pageType?.type, 'forum', JSON.stringify(f.pageType));
});

test('a Q&A page (QAPage, or one marked Question) is still a forum', () => {
  const answers = [1, 2, 3]
    .map(
      (i) =>
        `<div class="answer" itemprop="suggestedAnswer" itemscope itemtype="https://schema.org/Answer"><div itemprop="text"><p>Answer ${i}: grind finer and tamp evenly, then pull the shot again and time it.</p></div></div>`,
    )
    .join('');
  const thread = (qa: boolean) =>
    `<html><head><title>Why is my espresso sour?</title></head><body><main${qa ? ' itemscope itemtype="https://schema.org/QAPage"' : ''}>
      <div itemprop="mainEntity" itemscope itemtype="https://schema.org/Question"><h1 itemprop="name">Why is my espresso sour?</h1>
      <div itemprop="text"><p>My shots taste sour even with fresh beans. What should I change first?</p></div>${answers}</div></main></body></html>`;
  for (const qa of [true, false]) {
    const d = extract(thread(qa), { url: 'https://coffee.example/q/123' });
    assert.equal(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
  }
});
