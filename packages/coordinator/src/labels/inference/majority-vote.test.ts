import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelSetFromRows } from './label-set.js';
import { majorityVote } from './majority-vote.js';

const rows = [
  ['t1', 'a', 'x'],
  ['t1', 'b', 'x'],
  ['t1', 'c', 'y'],
  ['t2', 'a', 'y'],
  ['t2', 'b', 'x'],
].map(([task, worker, label]) => ({
  task: task as string,
  worker: worker as string,
  label: label as string,
}));

test('majority vote picks the most common label; ties go to the first class', () => {
  const set = labelSetFromRows(rows);
  const r = majorityVote(set);
  assert.deepEqual(
    [...r.labels].map((k) => set.classes[k]),
    ['x', 'x'],
  );
  assert.deepEqual([...r.posterior], [2 / 3, 1 / 3, 0.5, 0.5]);
  // a agrees 1 of 2, b 2 of 2, c 0 of 1
  assert.deepEqual([...r.workerAccuracy], [0.5, 1, 0]);
});

test('gold fixes a task and changes who agrees', () => {
  const set = labelSetFromRows(rows);
  const r = majorityVote(set, { gold: Int32Array.from([-1, 1]) });
  assert.deepEqual(
    [...r.labels].map((k) => set.classes[k]),
    ['x', 'y'],
  );
  assert.deepEqual([...r.workerAccuracy], [1, 0.5, 0]);
});
