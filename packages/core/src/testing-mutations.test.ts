import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { apply, mutated } from './testing-mutations.js';

// fast-check reuses a run's generated mutations while it shrinks a counterexample: a value a mutation put in
// the tree must be a copy, or a later mutation changes the mutation itself and the counterexample it reports
// no longer replays from its seed and path (seen once on capture-shape.test.ts, 2026-12-06).
test('a mutation puts a copy of its value in the tree, never the value itself', () => {
  const value = { a: 1 };
  const m = { pick: 1, op: 'set' as const, key: '', value };
  const tree = apply({ x: { b: 2 } }, m) as { x: { a: number } };
  assert.deepEqual(tree, { x: { a: 1 } });
  assert.notEqual(tree.x, value);
  tree.x.a = 9;
  // A second mutation adding a key inside what the first set.
  apply(tree, { pick: 1, op: 'add', key: 'extra', value: [1] });
  assert.deepEqual(m.value, { a: 1 });
});

test('mutated captures replay: the same seed gives the same values twice', () => {
  const base = {
    capture: { headers: { etag: 'x' }, redirects: [{ url: 'https://a.example/' }] },
    signature: 's',
  };
  const draw = () => fc.sample(mutated(base), { seed: 42, numRuns: 200 }).map((x) => JSON.stringify(x));
  assert.deepEqual(draw(), draw());
  assert.deepEqual(base.capture.headers, { etag: 'x' });
});
