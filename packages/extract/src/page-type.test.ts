import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const page = (head: string, body: string) =>
  `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const para = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `<p>Paragraph ${i} of the text, long enough to be read as prose, with commas, and more.</p>`,
  ).join('');

test('a product page is recognised from its JSON-LD, and its offers and reviews are kept as structured fields', () => {
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: 'Trail Shoe 2',
    sku: 'TS-2',
    brand: { '@type': 'Brand', name: 'Sward Outdoors' },
    offers: {
      '@type': 'Offer',
      price: '89.90',
      priceCurrency: 'EUR',
      availability: 'https://schema.org/InStock',
    },
    aggregateRating: { '@type': 'AggregateRating', ratingValue: '4.6', reviewCount: 12 },
    review: [
      { '@type': 'Review', author: { name: 'Ana' }, reviewRating: { ratingValue: 5 }, reviewBody: 'Light.' },
    ],
  };
  const d = extract(page(`<script type="application/ld+json">${JSON.stringify(ld)}</script>`, para(4)), {
    url: 'https://shop.example/products/trail-shoe-2',
  });
  assert.equal(d.pageType?.type, 'product');
  assert.ok((d.pageType?.confidence ?? 0) > 0.5, `confidence ${d.pageType?.confidence}`);
  assert.ok(d.pageType?.signals.includes('json-ld:Product'));
  const p = d.structured?.products[0];
  assert.equal(p?.name, 'Trail Shoe 2');
  assert.equal(p?.brand, 'Sward Outdoors');
  assert.deepEqual(p?.offers, [{ price: '89.90', priceCurrency: 'EUR', availability: 'InStock', url: null }]);
  assert.deepEqual(p?.rating, { value: 4.6, count: 12 });
  assert.deepEqual(p?.reviews, [{ author: 'Ana', rating: 5, body: 'Light.', date: null }]);
});

test('a forum thread is recognised from its post boxes, without any metadata', () => {
  const posts = Array.from(
    { length: 4 },
    (_, i) =>
      `<div class="topic-post"><span class="author">user${i}</span><div class="cooked"><p>Reply ${i}: I had the same problem with the chain, and the fix was to set the preferred chain.</p></div></div>`,
  ).join('');
  const d = extract(page('<title>Question</title>', posts), { url: 'https://example.org/some/page' });
  assert.equal(d.pageType?.type, 'forum');
  assert.ok(d.pageType?.signals.some((s) => s.startsWith('posts:')));
});

test('an article stays an article, and a page with no signal at all is an unsure article', () => {
  const ld = { '@type': 'NewsArticle', headline: 'Rain', datePublished: '2024-05-01' };
  const a = extract(page(`<script type="application/ld+json">${JSON.stringify(ld)}</script>`, para(6)), {
    url: 'https://news.example/2024/05/rain',
  });
  assert.equal(a.pageType?.type, 'article');
  assert.ok((a.pageType?.confidence ?? 0) >= 0.7);
  const bare = extract(page('', para(3)));
  assert.equal(bare.pageType?.type, 'article');
  assert.ok((bare.pageType?.confidence ?? 1) <= 0.5, `confidence ${bare.pageType?.confidence}`);
  assert.equal(bare.structured, null);
});

test('documentation, collection and listing pages are told apart by URL, Open Graph and repeated cards', () => {
  const doc = extract(page('', `${para(3)}<pre>npm i x</pre><pre>x --help</pre><pre>x run</pre>`), {
    url: 'https://docs.example.dev/en/latest/guide/install',
  });
  assert.equal(doc.pageType?.type, 'documentation');
  const cards = Array.from(
    { length: 10 },
    (_, i) =>
      `<li class="product-card"><a href="/p/${i}">Wallet ${i}</a><span class="price">$${20 + i}.00</span></li>`,
  ).join('');
  const col = extract(page('<meta property="og:type" content="product.group">', `<ul>${cards}</ul>`), {
    url: 'https://shop.example/collections/wallets',
  });
  assert.equal(col.pageType?.type, 'collection');
  const items = Array.from(
    { length: 12 },
    (_, i) => `<article><h2><a href="/news/${i}">Story ${i}</a></h2><p>Teaser of story ${i}.</p></article>`,
  ).join('');
  const ld = {
    '@type': 'ItemList',
    itemListElement: [{ '@type': 'ListItem', position: 1, url: 'https://x.example/a', name: 'A' }],
  };
  const list = extract(page(`<script type="application/ld+json">${JSON.stringify(ld)}</script>`, items), {
    url: 'https://x.example/news/',
  });
  assert.equal(list.pageType?.type, 'listing');
  assert.deepEqual(list.structured?.itemLists, [
    { name: null, items: [{ name: 'A', url: 'https://x.example/a' }] },
  ]);
});

test('FAQPage, HowTo and discussion posts in JSON-LD become structured fields; bad JSON-LD is skipped', () => {
  const faq = {
    '@type': 'FAQPage',
    mainEntity: [
      { '@type': 'Question', name: 'Is it free?', acceptedAnswer: { '@type': 'Answer', text: 'Yes.' } },
    ],
  };
  const how = {
    '@type': 'HowTo',
    name: 'Boil water',
    step: [
      { '@type': 'HowToStep', text: 'Fill the kettle.' },
      { '@type': 'HowToStep', text: 'Switch it on.' },
    ],
  };
  const post = {
    '@type': 'DiscussionForumPosting',
    headline: 'Chains',
    author: { name: 'Tat' },
    text: 'Can we keep the long chain?',
    comment: [{ '@type': 'Comment', author: 'Mike', text: 'See the announcement.' }],
  };
  const scripts = [faq, how, post]
    .map((o) => `<script type="application/ld+json">${JSON.stringify(o)}</script>`)
    .join('');
  const d = extract(page(`${scripts}<script type="application/ld+json">{not json</script>`, para(3)));
  assert.deepEqual(d.structured?.faq, [{ question: 'Is it free?', answer: 'Yes.' }]);
  assert.deepEqual(d.structured?.howTo, [
    { name: 'Boil water', steps: ['Fill the kettle.', 'Switch it on.'] },
  ]);
  assert.equal(d.structured?.posts[0]?.author, 'Tat');
  assert.deepEqual(d.structured?.posts[0]?.comments, [
    { author: 'Mike', date: null, text: 'See the announcement.' },
  ]);
  assert.equal(d.pageType?.type, 'forum');
});
