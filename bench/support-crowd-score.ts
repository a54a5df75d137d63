// Crowd truth-inference scoring shared by bench/crowd-bench.ts and bench/eval.ts: which sets a folder laid
// out like the crowd eval data holds (one folder per set with labels.csv and gold.csv, optional
// published.json beside them), which of them are held out, and a method's accuracy against gold.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  aggregateLabels,
  encodeGold,
  type LabelMethod,
  type LabelSet,
  labelGoldAccuracy,
  parseGoldCsv,
  parseLabelsCsv,
} from '../packages/coordinator/src/labels/inference/index.js';
import { EvalDataError } from './support-extract-score.js';

/** Held out by the data's README: report them, never tune on them. */
export const isHeldOut = (name: string): boolean =>
  name.startsWith('zheng2017-') || name.startsWith('rodrigues');

/** The sets in dir, development sets first; fails naming dir when it is missing or holds none. */
export function listCrowdSets(dir: string): string[] {
  if (!existsSync(dir)) throw new EvalDataError(`crowd data not found: ${dir}`);
  const sets = readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'labels.csv')) && existsSync(join(dir, d, 'gold.csv')))
    .sort((a, b) => Number(isHeldOut(a)) - Number(isHeldOut(b)) || a.localeCompare(b));
  if (sets.length === 0)
    throw new EvalDataError(`no crowd set (a folder with labels.csv and gold.csv) in ${dir}`);
  return sets;
}

export interface CrowdSet {
  name: string;
  set: LabelSet;
  /** per task: the gold class index, or -1 when the task has no gold label */
  gold: Int32Array;
}

export function loadCrowdSet(dir: string, name: string): CrowdSet {
  const labels = join(dir, name, 'labels.csv');
  const gold = join(dir, name, 'gold.csv');
  for (const f of [labels, gold]) if (!existsSync(f)) throw new EvalDataError(`missing ${f}`);
  const set = parseLabelsCsv(readFileSync(labels, 'utf8'));
  return { name, set, gold: encodeGold(set, parseGoldCsv(readFileSync(gold, 'utf8'))) };
}

export function methodAccuracy(crowd: CrowdSet, method: LabelMethod): number {
  return labelGoldAccuracy(crowd.gold, aggregateLabels(crowd.set, method).labels);
}

/** Published accuracies by set and method (published.json), or none when the folder has no such file. */
export function loadPublished(dir: string): Record<string, Record<string, number>> {
  const file = join(dir, 'published.json');
  if (!existsSync(file)) return {};
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: Record<string, Record<string, number>> = {};
  for (const [name, v] of Object.entries(raw)) {
    if (name.startsWith('_') || !v || typeof v !== 'object') continue;
    out[name] = Object.fromEntries(
      Object.entries(v as Record<string, unknown>).filter(
        (e): e is [string, number] => typeof e[1] === 'number',
      ),
    );
  }
  return out;
}
