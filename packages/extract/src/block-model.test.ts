import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_NAMES } from './block-features.js';
import { type BlockModel, SHIPPED_BLOCK_MODEL } from './block-model.js';
import { extract } from './extract.js';

// a page of items whose rules keep the items and drop a closing paragraph outside their box
const PAGE = `<html><head><title>Events</title></head><body><nav><a href="/">Home</a></nav><main>
<ul class="events">${Array.from(
  { length: 10 },
  (_, i) =>
    `<li class="event"><h3><a href="/events/e${i}">Evening talk number ${i} on the history of the town</a></h3><p>Held in the old library hall, free of charge, all welcome.</p></li>`,
).join('')}</ul></main>
<div class="outro"><p>Our talks are recorded, and the recordings are kept in the library for anyone to hear.</p></div>
</body></html>`;

test('the shipped weights are for the features block-features.ts writes', () => {
  assert.deepEqual(SHIPPED_BLOCK_MODEL.features, FEATURE_NAMES);
  assert.equal(SHIPPED_BLOCK_MODEL.weights.length, FEATURE_NAMES.length);
});

test('a model sure of every block adds what the rules dropped, on the types it revises only', () => {
  const url = 'https://example.org/events/';
  const rules = extract(PAGE, { url }, null);
  const type = rules.pageType?.type;
  assert.ok(type);
  assert.ok(!rules.text.includes('recordings'), rules.text);
  // a bias of 10 alone: every block is content with p ≈ 1
  const sure: BlockModel = {
    features: FEATURE_NAMES,
    weights: FEATURE_NAMES.map((n) => (n === 'bias' ? 10 : 0)),
    types: { [type]: { drop: 0, add: 0.9 } },
  };
  assert.ok(extract(PAGE, { url }, sure).text.includes('recordings'));
  assert.ok(
    !extract(
      PAGE,
      { url },
      { ...sure, types: { [type === 'product' ? 'forum' : 'product']: { drop: 0, add: 0.9 } } },
    ).text.includes('recordings'),
  );
});
