import assert from 'node:assert/strict';
import { test } from 'node:test';
import { majorityVote } from './majority-vote.js';
import { oneCoinDawidSkene } from './one-coin.js';
import { simulateCrowd } from './simulate.js';

const accuracy = (labels: Int32Array, truth: Int32Array) =>
  labels.filter((l, t) => l === truth[t]).length / truth.length;

test('one-coin DS recovers each worker skill and beats majority vote on symmetric noise', () => {
  const {
    set,
    truth,
    accuracy: skill,
  } = simulateCrowd({
    tasks: 2000,
    workers: 40,
    classes: 3,
    answersPerTask: 5,
    accuracy: [0.35, 0.95],
    seed: 1,
  });
  const r = oneCoinDawidSkene(set);
  // Measured: MV 0.822, one-coin 0.889.
  assert.ok(accuracy(r.labels, truth) > accuracy(majorityVote(set).labels, truth) + 0.04);
  for (let w = 0; w < set.workers.length; w++) {
    assert.ok(Math.abs((r.workerAccuracy[w] as number) - (skill[w] as number)) < 0.1, `worker ${w}`);
  }
  // One parameter per worker: off-diagonal entries of a used answer are (1 - s) / (K - 1).
  const s = r.workerAccuracy[0] as number;
  assert.ok(Math.abs((r.confusion[1 * 3 + 0] as number) - (1 - s) / 2) < 1e-12);
});
