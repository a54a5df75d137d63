import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Element, firstByName, parseHtml } from './dom.js';
import { extract } from './extract.js';
import { itemParts } from './item-parts.js';
import { computeStats } from './score.js';

const prose = (i: number) =>
  `Paragraph ${i} of the category's introduction says, with commas and at some length, what these posts are about.`;
const intro = [1, 2, 3, 4, 5].map((i) => `<p>${prose(i)}</p>`).join('');

test('itemParts finds the parts most items of a run carry, and not those of a few', () => {
  const cards = Array.from(
    { length: 6 },
    (_, i) =>
      `<div class="card"><a href="/p/${i}">Card number ${i}</a><span class="part">part ${i}</span>${i === 0 ? '<b class="odd">one-off</b>' : ''}</div>`,
  ).join('');
  const body = firstByName(parseHtml(`<html><body><div>${cards}</div></body></html>`).doc, 'body') as Element;
  const kind = (e: Element) =>
    e.attribs.class === 'part' || e.attribs.class === 'odd' ? e.attribs.class : null;
  const kept = [...itemParts([body], computeStats(body), kind)].map((e) => e.attribs.class);
  assert.deepEqual(kept, Array(6).fill('part'));
});

test("a listing's cards keep their titles in <header>s, which pruning drops from an article", () => {
  const cards = Array.from(
    { length: 8 },
    (_, i) =>
      `<article class="card"><header><h2><a href="/recipes/dish-${i}">Crispy dish number ${i}</a></h2></header><div class="summary">Ready in ${i + 10} minutes</div></article>`,
  ).join('');
  const html = `<html><body><main><div class="intro">${intro}</div><div class="posts">${cards}</div></main></body></html>`;
  const d = extract(html, { url: 'https://food.example/category/air-fryer/', secondOpinion: false });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  for (let i = 0; i < 8; i++) assert.ok(d.text.includes(`Crispy dish number ${i}`), `title ${i}: ${d.text}`);
});

test('WordPress post cards (first class "post-<id>") keep the headers their theme calls "entry-header"', () => {
  // each card is only its header: without it the run is empty and the page is its introduction alone
  const cards = Array.from(
    { length: 12 },
    (_, i) =>
      `<article class="post-${3000 + i} post type-post"><header class="entry-header"><h2 class="entry-title"><a href="/dish-${i}/">Sticky dish number ${i}, with a crisp honey glaze</a></h2></header><div class="entry-content"></div></article>`,
  ).join('');
  const html = `<html><body><div class="archive-description">${intro}</div><div class="site-inner"><main class="content">${cards}</main></div></body></html>`;
  const d = extract(html, { url: 'https://food.example/category/recipes/', secondOpinion: false });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  for (let i = 0; i < 12; i++)
    assert.ok(d.text.includes(`Sticky dish number ${i},`), `title ${i}: ${d.text}`);
});
