// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the label set
import { type DawidSkeneResult, runConfusionEm } from './dawid-skene.js';
import type { LabelSet } from './label-set.js';
import type { InferenceOptions } from './posterior.js';

const EPS = 1e-10;

export interface OneCoinOptions extends InferenceOptions {
  learnPriors?: boolean;
}

/**
 * One-coin Dawid–Skene: each worker has a single skill s (P(correct)) and errs uniformly over the other
 * classes. Far fewer parameters than full DS, so it holds up better for workers with few answers.
 * `confusion` holds the implied matrices (zero for answers the worker never gave). Class priors stay
 * uniform unless `learnPriors`: a symmetric-error model cannot express workers who under-report one class,
 * so a learned prior soaks that bias up and collapses the class (welinder2010-bluebirds: 0.58 vs 0.72).
 */
export function oneCoinDawidSkene(set: LabelSet, options: OneCoinOptions = {}): DawidSkeneResult {
  return runConfusionEm(set, options, oneCoinStep, options.learnPriors ?? false);
}

function oneCoinStep(set: LabelSet, post: Float64Array, used: Uint8Array, confusion: Float64Array): void {
  const K = set.classes.length;
  const W = set.workers.length;
  const hit = new Float64Array(W);
  const n = new Float64Array(W);
  for (let i = 0; i < set.task.length; i++) {
    hit[set.worker[i]!]! += post[set.task[i]! * K + set.label[i]!]!;
    n[set.worker[i]!]! += 1;
  }
  for (let w = 0; w < W; w++) {
    const s = Math.min(1 - EPS, Math.max(EPS, hit[w]! / n[w]!));
    const miss = K > 1 ? (1 - s) / (K - 1) : 0;
    for (let j = 0; j < K; j++) {
      for (let l = 0; l < K; l++) {
        confusion[(w * K + j) * K + l] = used[w * K + l] ? (j === l ? s : miss) : 0;
      }
    }
  }
}
