import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutAdjacentRepeats } from './adjacent-repeats.js';
import { type Element, firstByName, parseHtml } from './dom.js';
import { extract } from './extract.js';
import { renderBlocks } from './render.js';

const texts = (html: string) => {
  const body = firstByName(parseHtml(`<html><body>${html}</body></html>`).doc, 'body') as Element;
  return withoutAdjacentRepeats(renderBlocks([body])).map((b) => b.text);
};

test("a card drawn twice, one copy a screen size, is read once; the next card's are kept", () => {
  const copy = (i: number) => `<div><h3>Event ${i}</h3><p>Tomorrow at ${i}:00 PM</p></div>`;
  const cards = [1, 2]
    .map(
      (i) =>
        `<div class="card"><div class="mobile">${copy(i)}</div><div class="desktop">${copy(i)}</div></div>`,
    )
    .join('');
  assert.deepEqual(texts(cards), ['Event 1', 'Tomorrow at 1:00 PM', 'Event 2', 'Tomorrow at 2:00 PM']);
});

test('paragraphs repeated in a row but not each the whole of twin boxes stay', () => {
  // an opening, then the company's next one whose title pruning took: the details repeat, the boxes differ
  const jobs =
    '<ul><li><h3>Engineer</h3><p>Acme Ltd</p><p>Full-Time</p></li><li><p>Acme Ltd</p><p>Full-Time</p></li></ul>';
  assert.deepEqual(texts(jobs), ['Engineer', 'Acme Ltd', 'Full-Time', 'Acme Ltd', 'Full-Time']);
  // the second copy's box holds more than the copy
  const more =
    '<div><p>Acme Ltd</p><p>Remote</p></div><div><p>Acme Ltd</p><p>Remote</p><p>Apply now</p></div>';
  assert.deepEqual(texts(more), ['Acme Ltd', 'Remote', 'Acme Ltd', 'Remote', 'Apply now']);
});

test("a listing's text holds each card once when its cards are drawn twice", () => {
  const copy = (i: number) =>
    `<div class="event-details"><h3><a href="/e/${i}">Tech meetup number ${i} in the old town</a></h3><p>Thursday at ${i}:00 PM</p></div>`;
  const cards = Array.from(
    { length: 10 },
    (_, i) =>
      `<li class="event-card"><div class="small">${copy(i)}</div><div class="large">${copy(i)}</div></li>`,
  ).join('');
  const html = `<html><body><main><h1>Tech events</h1><ul class="results">${cards}</ul></main></body></html>`;
  const d = extract(html, { url: 'https://events.example/events/', secondOpinion: false });
  assert.equal(d.pageType?.type, 'listing', JSON.stringify(d.pageType));
  for (let i = 0; i < 10; i++)
    assert.equal(d.text.split(`Tech meetup number ${i} in`).length, 2, `card ${i}: ${d.text}`);
});
