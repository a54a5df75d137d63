import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written news page: the story in one box and, as its sibling, a grid of other stories (linked
// headline, one-line excerpt, writer), whose excerpts score as paragraphs.

const para = (n: number) =>
  `<p>The new convertible keeps the coupe's engine and adds a fabric roof that folds in ${n + 12} seconds, which the maker says is quick enough to use at a red light, and the boot still takes two golf bags.</p>`;

function page(linkedHeadlines: boolean): string {
  const story = (i: number) => {
    const title = `Other story number ${i} about a small hatchback`;
    const head = linkedHeadlines
      ? `<a href="/news/story-${i}.html"><h5>${title}</h5></a>`
      : `<h5>${title}</h5>`;
    return `<div class="row-desc">${head}<p class="row-excerpt">An excerpt of story ${i}, a sentence long, about the hatchback's new engine and price.</p><label>Writer ${i}</label></div>`;
  };
  return `<html><head><title>The convertible arrives</title><meta property="og:type" content="article"></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <div class="wrapper">
      <div class="grid post-content"><h1>The convertible arrives</h1>${Array.from({ length: 6 }, (_, i) => para(i)).join('')}</div>
      <div class="grid main-wrapper"><label>Recent articles</label>${Array.from({ length: 5 }, (_, i) => story(i)).join('')}</div>
    </div>
    <footer>© Car news</footer></body></html>`;
}

test('a grid of other stories beside an article (linked headlines) is not added to it', () => {
  const d = extract(page(true), { url: 'https://cars.example/news/convertible.html' });
  assert.ok(d.text.includes('fabric roof that folds'), `the article is missing: ${d.text.slice(0, 200)}`);
  assert.ok(!d.text.includes('An excerpt of story'), 'the grid of other stories was kept beside the article');
});

test('a sibling whose headings are not links stays with the article', () => {
  const d = extract(page(false), { url: 'https://cars.example/news/convertible.html' });
  assert.ok(
    d.text.includes('An excerpt of story'),
    'the sibling without linked headlines was dropped (the rule must need the links)',
  );
});
