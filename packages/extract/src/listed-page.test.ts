import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A CMS prints og:type "article" on every page it serves, its category pages too. A page whose JSON-LD
// calls it a CollectionPage with an ItemList (a recipe site's "Dinner recipes") is a list whatever Open
// Graph says; a listicle that also declares itself an Article is still one article.

const recipes = Array.from({ length: 6 }, (_, i) => `https://food.example/recipe/${i}/dish-${i}`);
const ld = (extra: object[] = []) =>
  `<script type="application/ld+json">${JSON.stringify({
    '@context': 'https://schema.org',
    '@graph': [
      { '@type': 'CollectionPage', name: 'Dinner recipes' },
      {
        '@type': 'ItemList',
        itemListElement: recipes.map((url, i) => ({ '@type': 'ListItem', position: i + 1, url })),
      },
      ...extra,
    ],
  })}</script>`;
const cards = recipes
  .map(
    (url, i) =>
      `<div class="card"><a href="${url}"><span class="card-title">Dish ${i}: a weeknight dinner with lemon and herbs</span></a><p>Ready in ${20 + i} minutes, with a short list of pantry ingredients and one pan.</p></div>`,
  )
  .join('');
const intro =
  '<p>Dinner recipes for every night of the week, from quick pastas to slow roasts, tested in our kitchen.</p>';
const html = (extra: object[] = []) =>
  `<html><head><meta property="og:type" content="article">${ld(extra)}</head><body><main><h1>Dinner recipes</h1>${intro}<div class="grid">${cards}</div></main></body></html>`;

test('a category page declaring a CollectionPage and an ItemList is a list, though Open Graph says article', () => {
  const d = extract(html(), { url: 'https://food.example/recipes/17562/dinner/' });
  assert.ok(['listing', 'collection'].includes(d.pageType?.type ?? ''), JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('og:article-on-list'), d.pageType?.signals.join(' '));
  for (let i = 0; i < 6; i++) assert.ok(d.text.includes(`Dish ${i}: a weeknight dinner`), d.text);
});

test('a listicle declaring an ItemList and an Article stays an article', () => {
  const d = extract(html([{ '@type': 'Article', headline: 'Six dinners we love' }]), {
    url: 'https://food.example/six-dinners-we-love/',
  });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(d.pageType?.signals.includes('og:article'));
});

test("a recipe page listing its site's other recipes in an ItemList stays an article", () => {
  // its own Recipe, og:article, and a grid of eight related recipes declared as an ItemList
  const related = Array.from({ length: 8 }, (_, i) => `https://food.example/recipe/${i}/dish-${i}`);
  const graph = [
    { '@type': 'Recipe', name: 'Lemon pasta' },
    {
      '@type': 'ItemList',
      itemListElement: related.map((url, i) => ({ '@type': 'ListItem', position: i + 1, url })),
    },
  ];
  const grid = related
    .map((url, i) => `<div class="card"><a href="${url}">Dish ${i}: another weeknight dinner</a></div>`)
    .join('');
  const steps = Array.from(
    { length: 6 },
    (_, i) =>
      `<p>Step ${i}: stir the pasta into the lemon butter, loosen it with the cooking water, and taste.</p>`,
  ).join('');
  const page = `<html><head><meta property="og:type" content="article"><script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@graph': graph })}</script></head><body><main><h1>Lemon pasta</h1>${steps}</main><section class="related">${grid}</section></body></html>`;
  const d = extract(page, { url: 'https://food.example/recipe/9/lemon-pasta' });
  assert.equal(d.pageType?.type, 'article', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('Step 5: stir the pasta'), d.text);
});
