// Accuracy of Dawid–Skene on real crowds: the development sets in the repository's testdata/crowd (see its
// README; the held-out sets are not in the repository and are scored by `npm run eval` only). Thresholds sit a
// little below what this code measured on 2026-12-04, so a real regression fails them:
//   snow2008-rte 0.9275 (742/800), welinder2010-bluebirds 0.8981 (97/108), zhou2012-dog 0.8426 (680/807).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dawidSkene } from './dawid-skene.js';
import { encodeGold, parseGoldCsv, parseLabelsCsv } from './label-set.js';
import { labelGoldAccuracy } from './worker-quality.js';

const DATA = fileURLToPath(new URL('../../../../../testdata/crowd/', import.meta.url));

function dsAccuracy(name: string): number {
  const dir = join(DATA, name);
  // A gate never skips: missing data is a failure that names the folder.
  assert.ok(
    existsSync(join(dir, 'labels.csv')) && existsSync(join(dir, 'gold.csv')),
    `missing crowd set ${dir}`,
  );
  const set = parseLabelsCsv(readFileSync(join(dir, 'labels.csv'), 'utf8'));
  const gold = encodeGold(set, parseGoldCsv(readFileSync(join(dir, 'gold.csv'), 'utf8')));
  return labelGoldAccuracy(gold, dawidSkene(set).labels);
}

const minAccuracy = { 'snow2008-rte': 0.92, 'welinder2010-bluebirds': 0.89, 'zhou2012-dog': 0.835 };
for (const [name, min] of Object.entries(minAccuracy)) {
  test(`DS on ${name} reaches ${min}`, () => {
    const acc = dsAccuracy(name);
    assert.ok(acc >= min, `${name}: DS accuracy ${acc} < ${min}`);
  });
}
