import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A category page's own heading box (its <h1> and the list's introduction) is often classed as a header
// ("category-header"), which the strict cleaning drops as site chrome. On a listing it is the list's
// heading and is kept; a site header whose <h1> is the logo's link stays chrome.

const posts = Array.from({ length: 8 }, (_, i) => `https://food.example/recipe/${i}/dish-${i}`);
const ld = `<script type="application/ld+json">${JSON.stringify({
  '@context': 'https://schema.org',
  '@graph': [
    { '@type': 'CollectionPage', name: 'Tomato sauce recipes' },
    {
      '@type': 'ItemList',
      itemListElement: posts.map((url, i) => ({ '@type': 'ListItem', position: i + 1, url })),
    },
  ],
})}</script>`;
const cards = posts
  .map(
    (url, i) =>
      `<div class="card"><a href="${url}"><span class="card-title">Sauce ${i}: slow-cooked tomatoes with garlic and basil</span></a><p>Ready in ${30 + i} minutes, with tinned tomatoes, olive oil and one heavy pan.</p></div>`,
  )
  .join('');
const intro =
  'Our collection of tomato sauces covers quick weeknight marinaras, long Sunday ragùs and fresh summer sauces, all tested twice in our kitchen.';

const page = (siteHeader: string, listHeader: string) =>
  `<html><head><title>Tomato sauce recipes</title>${ld}</head><body><div class="page">
  <div class="content">${siteHeader}${listHeader}<div class="grid">${cards}</div></div></div><footer><p>© Food Example</p></footer></body></html>`;

test("a listing's heading box classed as a header keeps its introduction", () => {
  const d = extract(
    page('', `<div class="category-header"><h1>Tomato sauce recipes</h1><p>${intro}</p></div>`),
    { url: 'https://food.example/recipes/tomato-sauce/' },
  );
  assert.ok(['listing', 'collection'].includes(d.pageType?.type ?? ''), JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Our collection of tomato sauces'), d.text);
  assert.ok(d.text.includes('Sauce 7: slow-cooked'), d.text);
});

test("a site header whose <h1> is the logo's link is not the list's heading", () => {
  const d = extract(
    page(
      `<div class="site-header"><h1><a href="/">Food Example</a></h1><p>Recipes, techniques and kitchen stories from our test kitchen since 2009, every week of the year.</p></div>`,
      `<h2>Tomato sauce recipes</h2><p>${intro}</p>`,
    ),
    { url: 'https://food.example/recipes/tomato-sauce/' },
  );
  assert.ok(['listing', 'collection'].includes(d.pageType?.type ?? ''), JSON.stringify(d.pageType));
  assert.ok(!d.text.includes('kitchen stories from our test kitchen'), d.text);
  assert.ok(d.text.includes('Sauce 7: slow-cooked'), d.text);
});
