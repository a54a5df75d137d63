import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelSetFromRows } from './label-set.js';
import {
  accuracyFromConfusion,
  goldAccuracy,
  labelGoldAccuracy,
  workerAnswerCounts,
} from './worker-quality.js';

test('gold accuracy counts only gold tasks', () => {
  const set = labelSetFromRows([
    { task: 't1', worker: 'a', label: '1' },
    { task: 't2', worker: 'a', label: '0' },
    { task: 't3', worker: 'a', label: '0' },
    { task: 't1', worker: 'b', label: '0' },
    { task: 't3', worker: 'c', label: '1' },
  ]);
  const g = goldAccuracy(set, Int32Array.from([1, 1, -1]));
  assert.deepEqual([...g.answered], [2, 1, 0]);
  assert.deepEqual([...g.correct], [1, 0, 0]);
  assert.deepEqual([...g.accuracy].slice(0, 2), [0.5, 0]);
  assert.ok(Number.isNaN(g.accuracy[2]));
  assert.deepEqual([...workerAnswerCounts(set)], [3, 1, 1]);
});

test('accuracy from a confusion matrix weights each class by its prior', () => {
  // One worker: perfect on class 0, 50% on class 1; classes 3:1.
  const confusion = Float64Array.from([1, 0, 0.5, 0.5]);
  assert.deepEqual([...accuracyFromConfusion(confusion, Float64Array.from([0.75, 0.25]))], [0.875]);
});

test('label accuracy scores the aggregate on gold tasks only', () => {
  // tasks 0 and 2 have gold (right, wrong); task 1 has none and does not count
  assert.equal(labelGoldAccuracy(Int32Array.from([1, -1, 0]), [1, 0, 1]), 0.5);
});
