import assert from 'node:assert/strict';
import { test } from 'node:test';
import { krippendorffAlphaNominal } from './krippendorff.js';
import { labelSetFromRows } from './label-set.js';

test("Krippendorff's own example (4 observers, 12 units, missing values) gives nominal alpha 0.743", () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C; '.' = no answer.
  const table = {
    A: '1 2 3 3 2 1 4 1 2 . . .',
    B: '1 2 3 3 2 2 4 1 2 5 . 3',
    C: '. 3 3 3 2 3 4 2 2 5 1 .',
    D: '1 2 3 3 2 4 4 1 2 5 1 .',
  };
  const rows = Object.entries(table).flatMap(([worker, line]) =>
    line
      .split(' ')
      .map((label, u) => ({ task: `u${u}`, worker, label }))
      .filter((r) => r.label !== '.'),
  );
  assert.equal(Math.round(krippendorffAlphaNominal(labelSetFromRows(rows)) * 1000) / 1000, 0.743);
});

test('perfect agreement is 1; systematic disagreement is below 0', () => {
  const same = labelSetFromRows(
    ['a', 'b', 'a'].flatMap((label, u) => ['w1', 'w2'].map((worker) => ({ task: `u${u}`, worker, label }))),
  );
  assert.equal(krippendorffAlphaNominal(same), 1);
  const opposite = labelSetFromRows(
    [0, 1, 2, 3].flatMap((u) => [
      { task: `u${u}`, worker: 'w1', label: 'a' },
      { task: `u${u}`, worker: 'w2', label: 'b' },
    ]),
  );
  assert.ok(krippendorffAlphaNominal(opposite) < 0);
});
