import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@sward/core';
import { bradleyTerry, parseComparisonsCsv, rankingsToComparisons } from './bradley-terry.js';

test('two items: the strength ratio is the win ratio (no prior)', () => {
  const games = [
    { left: 'a', right: 'b', winner: 'a' },
    { left: 'b', right: 'a', winner: 'a' },
    { left: 'a', right: 'b', winner: 'a' },
    { left: 'a', right: 'b', winner: 'b' },
  ];
  const r = bradleyTerry(games, { prior: 0 });
  assert.ok(Math.abs((r.scores[0] as number) - (r.scores[1] as number) - Math.log(3)) < 1e-6);
  assert.deepEqual(r.ranking, ['a', 'b']);
});

test('recovers the order of simulated strengths from noisy comparisons', () => {
  const rand = seededRandom(11);
  const truth = [2, 1.2, 0.5, 0, -0.4, -1, -2.2];
  const names = truth.map((_, i) => `item${i}`);
  const games = [];
  for (let g = 0; g < 6000; g++) {
    const a = Math.floor(rand() * truth.length);
    const b = (a + 1 + Math.floor(rand() * (truth.length - 1))) % truth.length;
    const pA = 1 / (1 + Math.exp((truth[b] as number) - (truth[a] as number)));
    games.push({
      left: names[a] as string,
      right: names[b] as string,
      winner: (rand() < pA ? names[a] : names[b]) as string,
    });
  }
  const r = bradleyTerry(games);
  assert.deepEqual(r.ranking, names);
  const mean = truth.reduce((s, x) => s + x, 0) / truth.length;
  r.items.forEach((name, i) => {
    assert.ok(
      Math.abs((r.scores[i] as number) - ((truth[names.indexOf(name)] as number) - mean)) < 0.15,
      name,
    );
  });
});

test('an item that never loses stays finite and first; rankings expand to pairwise wins', () => {
  const comps = rankingsToComparisons([
    ['x', 'y', 'z'],
    ['x', 'z', 'y'],
  ]);
  assert.equal(comps.length, 6);
  const r = bradleyTerry(comps);
  assert.equal(r.ranking[0], 'x');
  assert.ok(r.scores.every(Number.isFinite));
});

test('pairwise CSV uses left,right,label with label naming the winner', () => {
  assert.deepEqual(parseComparisonsCsv('worker,left,right,label\nw1,a,b,b\n'), [
    { left: 'a', right: 'b', winner: 'b' },
  ]);
});
