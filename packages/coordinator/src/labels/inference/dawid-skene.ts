// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the label set
import type { LabelSet } from './label-set.js';
import {
  type Aggregation,
  argmaxRows,
  checkGold,
  clampGold,
  columnMeans,
  type InferenceOptions,
  voteShares,
} from './posterior.js';
import { accuracyFromConfusion } from './worker-quality.js';

/** Floor for confusion entries a worker did use, as crowd-kit does, so one zero cannot veto a class. */
const EPS = 1e-10;

export interface DawidSkeneResult extends Aggregation {
  /** Class priors P(true = j). */
  priors: Float64Array;
  /** Per worker confusion matrix P(answer = l | true = j) at [(w * K + j) * K + l]. */
  confusion: Float64Array;
}

/**
 * Dawid & Skene (1979): EM over one full confusion matrix per worker, started from majority vote. It stops
 * after `maxIter` rounds (default 100, as crowd-kit) or once the marginal log-likelihood, which EM never
 * lowers, gains less than `tol` (default 1e-7) per answer.
 */
export function dawidSkene(set: LabelSet, options: InferenceOptions = {}): DawidSkeneResult {
  return runConfusionEm(set, options, fullConfusion);
}

/** Shared EM loop for the confusion-matrix family; `mStep` fills `confusion` from the posterior. */
export function runConfusionEm(
  set: LabelSet,
  options: InferenceOptions,
  mStep: (set: LabelSet, post: Float64Array, used: Uint8Array, confusion: Float64Array) => void,
  learnPriors = true,
): DawidSkeneResult {
  checkGold(set, options.gold);
  const K = set.classes.length;
  const W = set.workers.length;
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-7;
  const used = answeredClasses(set);
  const confusion = new Float64Array(W * K * K);
  const logConf = new Float64Array(W * K * K);
  const post = voteShares(set);
  clampGold(post, K, options.gold);
  let priors = learnPriors ? columnMeans(post, K) : new Float64Array(K).fill(1 / K);
  mStep(set, post, used, confusion);
  let logLik = Number.NEGATIVE_INFINITY;
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    for (let x = 0; x < logConf.length; x++) logConf[x] = Math.log(confusion[x]!);
    const next = eStep(set, priors, logConf, options.gold, post);
    if (learnPriors) priors = columnMeans(post, K);
    mStep(set, post, used, confusion);
    if ((next - logLik) / set.task.length < tol) break;
    logLik = next;
  }
  const workerAccuracy = accuracyFromConfusion(confusion, priors);
  return { posterior: post, labels: argmaxRows(post, K), workerAccuracy, iterations, priors, confusion };
}

/** used[w * K + l] = 1 when worker w ever answered l; only those confusion entries are estimated. */
function answeredClasses(set: LabelSet): Uint8Array {
  const K = set.classes.length;
  const used = new Uint8Array(set.workers.length * K);
  for (let i = 0; i < set.task.length; i++) used[set.worker[i]! * K + set.label[i]!] = 1;
  return used;
}

function fullConfusion(set: LabelSet, post: Float64Array, used: Uint8Array, confusion: Float64Array): void {
  const K = set.classes.length;
  confusion.fill(0);
  for (let i = 0; i < set.task.length; i++) {
    const base = set.worker[i]! * K * K + set.label[i]!;
    const row = set.task[i]! * K;
    for (let j = 0; j < K; j++) confusion[base + j * K]! += post[row + j]!;
  }
  for (let w = 0; w < set.workers.length; w++) {
    for (let j = 0; j < K; j++) {
      const r = (w * K + j) * K;
      let s = 0;
      for (let l = 0; l < K; l++) {
        if (used[w * K + l]) {
          if (confusion[r + l]! < EPS) confusion[r + l] = EPS;
          s += confusion[r + l]!;
        }
      }
      for (let l = 0; l < K; l++) confusion[r + l] = used[w * K + l] ? confusion[r + l]! / s : 0;
    }
  }
}

/**
 * Writes the posterior into `post` and returns the marginal log-likelihood of the answers (for a gold task,
 * the joint with its known class), the quantity EM climbs.
 */
function eStep(
  set: LabelSet,
  priors: Float64Array,
  logConf: Float64Array,
  gold: Int32Array | undefined,
  post: Float64Array,
): number {
  const K = set.classes.length;
  for (let j = 0; j < K; j++) {
    const lp = Math.log(Math.max(priors[j]!, EPS));
    for (let r = j; r < post.length; r += K) post[r] = lp;
  }
  for (let i = 0; i < set.task.length; i++) {
    const base = set.worker[i]! * K * K + set.label[i]!;
    const row = set.task[i]! * K;
    for (let j = 0; j < K; j++) post[row + j]! += logConf[base + j * K]!;
  }
  let logLik = 0;
  for (let t = 0, r = 0; r < post.length; t++, r += K) {
    const g = gold ? gold[t]! : -1;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) if (post[r + k]! > max) max = post[r + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(post[r + k]! - max);
    logLik += g >= 0 ? post[r + g]! : max + Math.log(s);
    for (let k = 0; k < K; k++) post[r + k] = g >= 0 ? (k === g ? 1 : 0) : Math.exp(post[r + k]! - max) / s;
  }
  return logLik;
}
