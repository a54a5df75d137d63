// biome-ignore-all lint/style/noNonNullAssertion: loops index typed arrays within bounds set by the label set
import { csvLine } from './csv.js';
import type { LabelSet } from './label-set.js';
import type { Aggregation } from './posterior.js';
import { type GoldScore, workerAnswerCounts } from './worker-quality.js';

/** `task,label,confidence` CSV, tasks in first-seen order; confidence is the chosen label's posterior. */
export function aggregatedLabelsCsv(set: LabelSet, agg: Aggregation): string {
  const K = set.classes.length;
  const parts = ['task,label,confidence\n'];
  for (let t = 0; t < set.tasks.length; t++) {
    const k = agg.labels[t]!;
    parts.push(csvLine([set.tasks[t]!, set.classes[k]!, round(agg.posterior[t * K + k]!)]));
  }
  return parts.join('');
}

/**
 * `worker,accuracy,answers` CSV (model-estimated accuracy first, so tools reading two columns get it);
 * with gold, also `gold_answers,gold_accuracy` (empty when the worker answered no gold task).
 */
export function workerQualityCsv(set: LabelSet, agg: Aggregation, gold?: GoldScore): string {
  const answers = workerAnswerCounts(set);
  const parts = [gold ? 'worker,accuracy,answers,gold_answers,gold_accuracy\n' : 'worker,accuracy,answers\n'];
  for (let w = 0; w < set.workers.length; w++) {
    const row = [set.workers[w]!, round(agg.workerAccuracy[w]!), String(answers[w])];
    if (gold) row.push(String(gold.answered[w]), gold.answered[w]! > 0 ? round(gold.accuracy[w]!) : '');
    parts.push(csvLine(row));
  }
  return parts.join('');
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1e6) / 1e6) : '';
}
