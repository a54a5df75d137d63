// Accuracy of Dawid–Skene on the real crowd sets in shared/eval/crowd (see its README): the development sets
// against what a plain correct DS reaches there, the held-out sets against crowd-kit's published figures
// (published.json). Nothing was tuned on the held-out sets; these only check they are still matched.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dawidSkene } from './dawid-skene.js';
import { encodeGold, parseGoldCsv, parseLabelsCsv } from './label-set.js';

const dataDir =
  process.env.CROWD_DATA_DIR ??
  fileURLToPath(new URL('../../../../../../shared/eval/crowd/', import.meta.url));
const present = existsSync(join(dataDir, 'published.json'));

function dsAccuracy(name: string): number {
  const set = parseLabelsCsv(readFileSync(join(dataDir, name, 'labels.csv'), 'utf8'));
  const gold = encodeGold(set, parseGoldCsv(readFileSync(join(dataDir, name, 'gold.csv'), 'utf8')));
  const { labels } = dawidSkene(set);
  let scored = 0;
  let correct = 0;
  gold.forEach((g, t) => {
    if (g < 0) return;
    scored++;
    if (labels[t] === g) correct++;
  });
  return correct / scored;
}

// Published figures have 3 decimals, so a result is compared after rounding the same way.
const round3 = (x: number) => Math.round(x * 1000) / 1000;

const devTargets = { 'snow2008-rte': 0.927, 'welinder2010-bluebirds': 0.898 };
for (const [name, target] of Object.entries(devTargets)) {
  test(`DS on ${name} reaches ${target}`, { skip: !present && 'no eval data' }, () => {
    const acc = dsAccuracy(name);
    assert.ok(round3(acc) >= target, `${name}: ${acc}`);
  });
}

const heldOut = ['zheng2017-d_product', 'zheng2017-d_possent', 'zheng2017-s_rel', 'zheng2017-s_adult'];
for (const name of heldOut) {
  test(`DS on held-out ${name} matches crowd-kit's published accuracy`, {
    skip: !present && 'no eval data',
  }, () => {
    const published = JSON.parse(readFileSync(join(dataDir, 'published.json'), 'utf8'))[name].DS as number;
    const acc = dsAccuracy(name);
    assert.ok(round3(acc) >= published, `${name}: ${acc} < ${published}`);
  });
}
