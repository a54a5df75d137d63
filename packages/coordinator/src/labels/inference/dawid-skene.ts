// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the label set
import type { LabelSet } from './label-set.js';
import {
  type Aggregation,
  argmaxRows,
  checkGold,
  clampGold,
  columnMeans,
  expectedAgreement,
  type InferenceOptions,
  normaliseLogRows,
  voteShares,
} from './posterior.js';

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
  // Accuracy on the tasks each worker did (their own confusion counts' diagonal over their answers); it
  // ranked workers closer to gold than prior-weighted matrices on 5 of 6 dev sets, as rare classes make
  // thin matrix rows noisy. `accuracyFromConfusion(confusion, priors)` gives the prior-weighted figure.
  const workerAccuracy = expectedAgreement(set, post);
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
  const { task, worker, label } = set;
  confusion.fill(0);
  for (let i = 0; i < task.length; i++) {
    const base = worker[i]! * K * K + label[i]!;
    const row = task[i]! * K;
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
  const { task, worker, label } = set;
  for (let i = 0; i < task.length; i++) {
    const base = worker[i]! * K * K + label[i]!;
    const row = task[i]! * K;
    for (let j = 0; j < K; j++) post[row + j]! += logConf[base + j * K]!;
  }
  return normaliseLogRows(post, K, gold);
}
