import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateInText, dateInUrl, toIso } from './dates.js';

test('a date written in words or numbers, in several languages, becomes YYYY-MM-DD', () => {
  assert.equal(dateInText('Published March 5th, 2025 · 4 min read'), '2025-03-05');
  assert.equal(dateInText('Updated on Sept. 9, 2024'), '2024-09-09');
  assert.equal(dateInText('5 March 2025'), '2025-03-05');
  assert.equal(dateInText('Veröffentlicht am 5. März 2025'), '2025-03-05');
  assert.equal(dateInText('Publicado el 5 de marzo de 2025'), '2025-03-05');
  assert.equal(dateInText('Publié le 5 mars 2025'), '2025-03-05');
  assert.equal(dateInText('gepubliceerd op 5 maart 2025'), '2025-03-05');
  assert.equal(dateInText('Pubblicato il 5 marzo 2025'), '2025-03-05');
  assert.equal(dateInText('05.03.2025'), '2025-03-05');
  assert.equal(dateInText('posted 2025-03-05 by admin'), '2025-03-05');
  // 03/05/2025: month first in (US) English, day first elsewhere; a part over 12 decides either way
  assert.equal(dateInText('03/05/2025', 'en-US'), '2025-03-05');
  assert.equal(dateInText('03/05/2025', 'de'), '2025-05-03');
  assert.equal(dateInText('25/12/2024', 'en-US'), '2024-12-25');
  // the earliest date in the text is the one meant ("Published …, updated …")
  assert.equal(dateInText('Published Jan 2, 2024, updated March 5, 2025'), '2024-01-02');
});

test('what is not a day is not a date', () => {
  assert.equal(dateInText('May 2025'), null);
  assert.equal(dateInText('Call 555 1234 today'), null);
  assert.equal(dateInText('February 30, 2025'), null);
  assert.equal(dateInText('Rated 4.5 out of 5 by 2025 customers'), null);
  assert.equal(dateInText('Marco 5, 2025'), null);
  assert.equal(toIso('2025-13-40'), null);
});

test('a date in a URL path', () => {
  assert.equal(dateInUrl('https://example.com/2025/03/05/a-story/'), '2025-03-05');
  assert.equal(dateInUrl('https://example.com/news/2025-03-05-a-story'), '2025-03-05');
  assert.equal(dateInUrl('https://example.com/products/2025-edition'), null);
  assert.equal(dateInUrl('https://example.com/a?d=2025/03/05'), null);
  assert.equal(dateInUrl('not a url'), null);
});
