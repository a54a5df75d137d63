import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateLabels, LABEL_METHODS } from './aggregate.js';
import { InferenceError } from './errors.js';
import { labelSetFromRows } from './label-set.js';
import { goldAccuracy } from './worker-quality.js';

// Two reliable workers and one who always disagrees.
const rows = ['t1', 't2', 't3', 't4'].flatMap((task, i) => {
  const y = i % 2 ? 'yes' : 'no';
  const n = i % 2 ? 'no' : 'yes';
  return [
    { task, worker: 'a', label: y },
    { task, worker: 'b', label: y },
    { task, worker: 'c', label: n },
  ];
});

test('every method recovers the majority here, keeps gold fixed and ranks the dissenter last', () => {
  const set = labelSetFromRows(rows);
  const gold = Int32Array.from([0, 1, -1, -1]);
  for (const method of LABEL_METHODS) {
    const r = aggregateLabels(set, method, { gold });
    assert.deepEqual(
      [...r.labels].map((k) => set.classes[k]),
      ['no', 'yes', 'no', 'yes'],
      method,
    );
    assert.equal(r.posterior[0], 1, method);
    const [a, , c] = r.workerAccuracy;
    assert.ok((a as number) > (c as number), method);
  }
  assert.deepEqual([...goldAccuracy(set, gold).correct], [2, 2, 0]);
});

test('an unknown method is a typed error listing the choices', () => {
  assert.throws(
    () => aggregateLabels(labelSetFromRows(rows), 'wawa'),
    (e: unknown) => e instanceof InferenceError && e.code === 'UNKNOWN_METHOD' && /mv, ds/.test(e.message),
  );
});
