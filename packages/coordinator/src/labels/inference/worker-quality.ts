// biome-ignore-all lint/style/noNonNullAssertion: loops index typed arrays within bounds set by the label set
import type { LabelSet } from './label-set.js';

/**
 * P(correct) of each worker from Dawid–Skene confusion matrices ([(w * K + j) * K + l]):
 * Σ_j prior_j · P(answer j | true j). A worker who always gives one class scores that class's prior.
 */
export function accuracyFromConfusion(confusion: Float64Array, priors: Float64Array): Float64Array {
  const K = priors.length;
  const W = confusion.length / (K * K);
  const out = new Float64Array(W);
  for (let w = 0; w < W; w++)
    for (let j = 0; j < K; j++) out[w]! += priors[j]! * confusion[(w * K + j) * K + j]!;
  return out;
}

export interface GoldScore {
  /** Answers each worker gave on gold tasks. */
  answered: Int32Array;
  correct: Int32Array;
  /** correct / answered; NaN for workers with no gold answers. */
  accuracy: Float64Array;
}

/** Scores workers on the tasks whose answer is known (gold[t] = class, or -1). */
export function goldAccuracy(set: LabelSet, gold: Int32Array): GoldScore {
  const W = set.workers.length;
  const answered = new Int32Array(W);
  const correct = new Int32Array(W);
  for (let i = 0; i < set.task.length; i++) {
    const g = gold[set.task[i]!]!;
    if (g < 0) continue;
    answered[set.worker[i]!]! += 1;
    if (set.label[i] === g) correct[set.worker[i]!]! += 1;
  }
  const accuracy = new Float64Array(W);
  for (let w = 0; w < W; w++) accuracy[w] = answered[w]! > 0 ? correct[w]! / answered[w]! : Number.NaN;
  return { answered, correct, accuracy };
}

/** Answers per worker. */
export function workerAnswerCounts(set: LabelSet): Int32Array {
  const out = new Int32Array(set.workers.length);
  for (let i = 0; i < set.worker.length; i++) out[set.worker[i]!]! += 1;
  return out;
}

/** Share of gold tasks (gold[t] = class, or -1) whose aggregated label is the gold class. */
export function labelGoldAccuracy(gold: Int32Array, labels: ArrayLike<number>): number {
  let scored = 0;
  let correct = 0;
  gold.forEach((g, t) => {
    if (g < 0) return;
    scored++;
    if (labels[t] === g) correct++;
  });
  return correct / scored;
}
