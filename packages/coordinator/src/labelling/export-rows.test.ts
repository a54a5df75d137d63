import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AcceptedAggregate } from './aggregate-accepted.js';
import { datasetCard, sizeCategory } from './dataset-card.js';
import { annotationRows, exportRows } from './export-rows.js';

const agg = (label: string, post: Record<string, number>): AcceptedAggregate => ({
  labels: new Map([['i', label]]),
  confidence: new Map([['i', post[label] as number]]),
  posterior: new Map([['i', new Map(Object.entries(post))]]),
});

test('pairwise: the preferred response is chosen; a tie gives ratings only', () => {
  const item = { id: 'i', prompt: 'p', responses: ['a', 'b'], gold: null };
  const r = exportRows('pairwise', [item], agg('B', { A: 0.1, B: 0.8, tie: 0.1 }));
  assert.deepEqual(r.preferences, [{ item_id: 'i', prompt: 'p', chosen: 'b', rejected: 'a' }]);
  assert.deepEqual(r.ratings, [
    { item_id: 'i', prompt: 'p', response: 'a', score: 0.15, confidence: 0.8 },
    { item_id: 'i', prompt: 'p', response: 'b', score: 0.85, confidence: 0.8 },
  ]);
  assert.equal(
    exportRows('pairwise', [item], agg('tie', { A: 0.2, B: 0.2, tie: 0.6 })).preferences.length,
    0,
  );
});

test('ranking: every ordered pair is a preference; the best scores k', () => {
  const item = { id: 'i', prompt: 'p', responses: ['x', 'y', 'z'], gold: null };
  const r = exportRows('ranking', [item], agg('2,0,1', { '2,0,1': 0.9 }));
  assert.deepEqual(
    r.preferences.map((p) => `${p.chosen}>${p.rejected}`),
    ['z>x', 'z>y', 'x>y'],
  );
  assert.ok(r.preferences.every((p) => p.item_id === 'i') && r.ratings.every((x) => x.item_id === 'i'));
  assert.deepEqual(
    r.ratings.map((x) => [x.response, x.score]),
    [
      ['z', 3],
      ['x', 2],
      ['y', 1],
    ],
  );
});

test('the card carries licence, size, task type, agreement, labellers and spam share in its YAML', () => {
  assert.equal(sizeCategory(999), 'n<1K');
  assert.equal(sizeCategory(1000), '1K<n<10K');
  const card = datasetCard(
    {
      name: 'Demo "quoted"',
      license: 'cc-by-4.0',
      taskType: 'rating',
      items: 10,
      itemsLabelled: 10,
      preferenceRows: 0,
      ratingRows: 10,
      labels: 40,
      labelsDropped: 10,
      labellers: 4,
      labellersFlagged: 1,
      overlap: 3,
      goldItems: 2,
      alphaAll: 0.41,
      alphaAccepted: 0.72,
      meanConfidence: 0.9,
    },
    ['ratings', 'annotations'],
  );
  const yaml = card.split('---\n')[1] as string;
  assert.match(yaml, /^license: "cc-by-4.0"$/m);
  assert.match(yaml, /^pretty_name: "Demo \\"quoted\\""$/m);
  assert.match(yaml, /^task_type: "rating"$/m);
  assert.match(yaml, /^num_labellers: 4$/m);
  assert.match(yaml, /^spam_dropped_share: 0.25$/m);
  assert.match(yaml, /krippendorff_alpha_nominal_accepted_labels: 0.72/);
  assert.doesNotMatch(yaml, /preferences/);
  assert.match(
    yaml,
    /config_name: "annotations"\n {4}data_files:\n {6}- split: "train"\n {8}path: "annotations.parquet"/,
  );
});

test('raw annotations keep every answer, mark the flagged labellers and gold items, and pseudonymise per project', () => {
  const events = [
    { task: 'i1', worker: 'w_alice', label: 'A', ms: 4000 },
    { task: 'i1', worker: 'w_bot', label: 'B', ms: 200 },
    { task: 'g1', worker: 'w_alice', label: 'B', ms: 3000 },
  ];
  const rows = annotationRows('p_one', events, new Set(['w_bot']), new Set(['g1']));
  assert.deepEqual(
    rows.map((r) => [r.item_id, r.answer, r.ms, r.kept, r.gold_item]),
    [
      ['i1', 'A', 4000, true, false],
      ['i1', 'B', 200, false, false],
      ['g1', 'B', 3000, true, true],
    ],
  );
  // One labeller, one pseudonym within a project; never the stored id; another one in another project.
  assert.equal(rows[0]?.labeller, rows[2]?.labeller);
  assert.notEqual(rows[0]?.labeller, rows[1]?.labeller);
  assert.ok(rows.every((r) => !r.labeller.includes('w_')));
  const other = annotationRows('p_two', events, new Set(), new Set());
  assert.notEqual(other[0]?.labeller, rows[0]?.labeller);
});
