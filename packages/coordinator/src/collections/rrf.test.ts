import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reciprocalRankFusion } from './rrf.js';

describe('reciprocalRankFusion', () => {
  const key = (x: { id: number }) => x.id;
  const items = (...ids: number[]) => ids.map((id) => ({ id }));

  test('scores are sums of 1/(60 + rank); an item in both lists beats one at the top of one', () => {
    const fused = reciprocalRankFusion([items(1, 2, 3), items(3, 4, 1)], { key });
    assert.deepEqual(
      fused.map((f) => f.key),
      [1, 3, 2, 4],
    );
    assert.equal(fused[0]?.score, 1 / 61 + 1 / 63);
    assert.equal(fused[1]?.score, 1 / 63 + 1 / 61);
    assert.deepEqual(fused[0]?.ranks, [1, 3]);
    assert.deepEqual(fused[2]?.ranks, [2, null]);
    assert.deepEqual(fused[0]?.item, { id: 1 });
  });

  test('k, weights, limit, duplicates and empty input', () => {
    const f = reciprocalRankFusion([items(1, 2), items(2, 1)], { key, k: 0, weights: [1, 3] });
    assert.deepEqual(
      f.map((x) => [x.key, x.score]),
      [
        [2, 1 / 2 + 3],
        [1, 1 + 3 / 2],
      ],
    );
    assert.equal(reciprocalRankFusion([items(1, 2, 3)], { key, limit: 2 }).length, 2);
    const dup = reciprocalRankFusion([items(5, 5, 6)], { key });
    assert.deepEqual(
      dup.map((x) => [x.key, x.ranks]),
      [
        [5, [1]],
        [6, [3]],
      ],
    );
    assert.deepEqual(reciprocalRankFusion([], { key }), []);
    assert.throws(() => reciprocalRankFusion([items(1)], { key, weights: [1, 2] }), /2 weights for 1 lists/);
  });
});
