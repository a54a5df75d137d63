import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InferenceError } from './errors.js';
import { encodeGold, parseGoldCsv, parseLabelsCsv, sortClasses } from './label-set.js';

test('tasks, workers and classes get dense codes; numeric classes sort numerically', () => {
  const set = parseLabelsCsv('worker,task,label\nw1,a,10\nw2,a,2\nw1,b,2\nw2,b,1\n');
  assert.deepEqual(set.tasks, ['a', 'b']);
  assert.deepEqual(set.workers, ['w1', 'w2']);
  assert.deepEqual(set.classes, ['1', '2', '10']);
  assert.deepEqual([...set.task], [0, 0, 1, 1]);
  assert.deepEqual([...set.worker], [0, 1, 0, 1]);
  assert.deepEqual([...set.label], [2, 1, 1, 0]);
  assert.deepEqual(sortClasses(['b', '10', 'a', 'b']), ['10', 'a', 'b']);
});

test('gold may add a class no worker used; gold for unlabelled tasks is ignored', () => {
  const gold = parseGoldCsv('task,label\na,yes\nb,maybe\nzzz,no\n');
  const set = parseLabelsCsv('task,worker,label\na,w1,yes\nb,w1,no\n', gold.values());
  assert.deepEqual(set.classes, ['maybe', 'no', 'yes']);
  assert.deepEqual([...encodeGold(set, gold)], [2, 0]);
});

test('conflicting gold is an error naming the task', () => {
  assert.throws(
    () => parseGoldCsv('task,label\na,1\na,0\n'),
    (e: unknown) => e instanceof InferenceError && e.code === 'BAD_INPUT' && /"a"/.test(e.message),
  );
});
