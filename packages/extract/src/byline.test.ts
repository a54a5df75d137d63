import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanByline } from './byline.js';

test('a byline as written becomes a name', () => {
  assert.equal(cleanByline('By Jane Doe | March 5, 2025'), 'Jane Doe');
  assert.equal(cleanByline('Written by: The Editorial Team'), 'The Editorial Team');
  assert.equal(cleanByline('Recipe by PJ Baker'), 'PJ Baker');
  assert.equal(cleanByline('Post by someuser » 11. Sep 2024, 18:36'), 'someuser');
  assert.equal(cleanByline('"David Kim"'), 'David Kim');
  assert.equal(cleanByline('Von Anna Muster'), 'Anna Muster');
  assert.equal(
    cleanByline('Jane Doe and John Roe, The Daily Paper', ['The Daily Paper']),
    'Jane Doe and John Roe',
  );
  assert.equal(cleanByline('Jane Doe, MD'), 'Jane Doe, MD');
  assert.equal(cleanByline('msmash on Friday December 19, 2025'), 'msmash');
});

test('what is not a name is no byline', () => {
  for (const bad of [
    'undefined',
    '262588213843476',
    'https://www.facebook.com/somepage',
    'editor@example.com',
    'August 28, 2025',
    'Updated',
    'Coming Soon!',
    'Insights from',
    'Click here to read everything this person has ever written about the subject at length.',
    '',
  ])
    assert.equal(cleanByline(bad), null, `${JSON.stringify(bad)} is not a name`);
});
