import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mace } from './mace.js';
import { majorityVote } from './majority-vote.js';
import { simulateCrowd } from './simulate.js';

const accuracy = (labels: Int32Array, truth: Int32Array) =>
  labels.filter((l, t) => l === truth[t]).length / truth.length;

test('MACE finds the spammers and outvotes them', () => {
  // A quarter of the workers answer at random; the rest are right 80-95% of the time.
  const { set, truth } = simulateCrowd({
    tasks: 1500,
    workers: 40,
    classes: 4,
    answersPerTask: 5,
    accuracy: [0.8, 0.95],
    spammers: 0.25,
    seed: 5,
  });
  const r = mace(set, { restarts: 3 });
  assert.ok(accuracy(r.labels, truth) > accuracy(majorityVote(set).labels, truth));
  for (let w = 0; w < set.workers.length; w++) {
    const spammer = w < 10;
    const theta = r.competence[w] as number;
    assert.ok(spammer ? theta < 0.3 : theta > 0.6, `worker ${w}: competence ${theta}`);
  }
  // Spam strategies are distributions.
  for (let w = 0; w < set.workers.length; w++) {
    const sum = [0, 1, 2, 3].reduce((s, l) => s + (r.spamStrategy[w * 4 + l] as number), 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
  }
});

test('MACE is deterministic for a seed', () => {
  const { set } = simulateCrowd({ tasks: 200, workers: 10, classes: 2, answersPerTask: 3, seed: 2 });
  assert.deepEqual(mace(set, { seed: 9 }).posterior, mace(set, { seed: 9 }).posterior);
});
