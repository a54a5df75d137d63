import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ITEM_LIMITS, parseItemsJsonl } from './items-file.js';

const lines = (...rows: unknown[]) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

test('reads the three task types, with and without gold', () => {
  const rating = parseItemsJsonl(lines({ id: 'a', prompt: 'p', response: 'r', gold: 4 }, ''), 'rating');
  assert.deepEqual(rating, {
    ok: true,
    k: 1,
    items: [{ id: 'a', prompt: 'p', responses: ['r'], gold: '4' }],
  });
  const pair = parseItemsJsonl(
    lines({ id: 'a', prompt: 'p', responses: ['x', 'y'], gold: 'tie' }),
    'pairwise',
  );
  assert.equal(pair.ok && pair.items[0]?.gold, 'tie');
  const rank = parseItemsJsonl(
    lines(
      { id: 'a', prompt: 'p', responses: ['x', 'y', 'z'], gold: [2, 0, 1] },
      { id: 'b', prompt: 'q', responses: ['1', '2', '3'] },
    ),
    'ranking',
  );
  assert.ok(rank.ok);
  assert.equal(rank.k, 3);
  assert.equal(rank.items[0]?.gold, '2,0,1');
  assert.equal(rank.items[1]?.gold, null);
});

test('names every bad line and its reason', () => {
  const r = parseItemsJsonl(
    lines(
      { id: 'a', prompt: 'p', response: 'r' },
      { id: 'a', prompt: 'p', response: 'r' },
      { id: 'b', prompt: 'p', responses: ['r'] },
      { id: 'c', prompt: '', response: 'r' },
      { id: 'd', prompt: 'p', response: 'r', gold: 6 },
      '[1, 2]',
      'nope',
      { id: 'e', prompt: 'p', response: 'x'.repeat(ITEM_LIMITS.lineBytes) },
    ),
    'rating',
  );
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.problems.map((p) => p.line), [2, 3, 4, 5, 6, 7, 8]);
  assert.match(!r.ok ? (r.problems[0]?.reason as string) : '', /duplicate id "a" \(first on line 1\)/);
  assert.match(!r.ok ? (r.problems[1]?.reason as string) : '', /unknown field responses/);
  assert.match(!r.ok ? (r.problems[3]?.reason as string) : '', /rating must be 1, 2, 3, 4 or 5/);
});

test('rankings must all rank the same number of responses and gold must be a permutation', () => {
  const r = parseItemsJsonl(
    lines(
      { id: 'a', prompt: 'p', responses: ['x', 'y', 'z'] },
      { id: 'b', prompt: 'p', responses: ['x', 'y'] },
      { id: 'c', prompt: 'p', responses: ['x', 'y', 'z'], gold: [0, 0, 1] },
    ),
    'ranking',
  );
  assert.deepEqual(!r.ok && r.problems.map((p) => p.line), [2, 3]);
});

test('an empty file, a missing required gold and an oversized file are rejected', () => {
  assert.equal(parseItemsJsonl('\n\n', 'rating').ok, false);
  const q = parseItemsJsonl(lines({ id: 'a', prompt: 'p', response: 'r' }), 'rating', { requireGold: true });
  assert.match(!q.ok ? (q.problems[0]?.reason as string) : '', /"gold".*required/);
  const big = parseItemsJsonl('x'.repeat(ITEM_LIMITS.fileBytes + 1), 'rating');
  assert.match(!big.ok ? (big.problems[0]?.reason as string) : '', /file is over/);
});
