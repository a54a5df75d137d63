// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the label set
import type { LabelSet } from './label-set.js';
import {
  type Aggregation,
  argmaxRows,
  checkGold,
  clampGold,
  columnMeans,
  type InferenceOptions,
  normaliseLogRows,
  voteShares,
} from './posterior.js';

export interface GladResult extends Aggregation {
  priors: Float64Array;
  /** Worker ability: >0 helps, 0 is guessing, <0 is adversarial. */
  alpha: Float64Array;
  /** Task easiness (>0); large means everyone gets it right. */
  beta: Float64Array;
}

export interface GladOptions extends InferenceOptions {
  /** Newton rounds per M-step. */
  mStepIter?: number;
  /**
   * Re-estimate class priors each round. Off by default, as in Whitehill's code and crowd-kit: with learned
   * priors a class most workers under-report (welinder2010-bluebirds) collapses to nearly nothing.
   */
  learnPriors?: boolean;
}

/** log σ(z) without overflow. */
function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/**
 * GLAD (Whitehill et al., NIPS 2009): P(answer correct) = σ(α_worker · β_task), wrong answers spread evenly
 * over the other classes. EM whose M-step takes block Newton (Fisher-scoring) steps on α, then on log β,
 * under N(1, 1) and N(0, 1) priors that keep workers with few answers near "average".
 */
export function glad(set: LabelSet, options: GladOptions = {}): GladResult {
  checkGold(set, options.gold);
  const K = set.classes.length;
  const T = set.tasks.length;
  const W = set.workers.length;
  const n = set.task.length;
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-7;
  const mStepIter = options.mStepIter ?? 5;
  const logOthers = Math.log(Math.max(K - 1, 1));
  const alpha = new Float64Array(W).fill(1);
  const logBeta = new Float64Array(T);
  const m = new Float64Array(n);
  const post = voteShares(set);
  clampGold(post, K, options.gold);
  let priors = options.learnPriors ? columnMeans(post, K) : new Float64Array(K).fill(1 / K);
  const gA = new Float64Array(W);
  const hA = new Float64Array(W);
  const gB = new Float64Array(T);
  const hB = new Float64Array(T);

  const mStep = (): void => {
    for (let i = 0; i < n; i++) m[i] = post[set.task[i]! * K + set.label[i]!]!;
    for (let round = 0; round < mStepIter; round++) {
      gA.fill(0);
      hA.fill(0);
      for (let i = 0; i < n; i++) {
        const w = set.worker[i]!;
        const b = Math.exp(logBeta[set.task[i]!]!);
        const s = 1 / (1 + Math.exp(-alpha[w]! * b));
        gA[w]! += (m[i]! - s) * b;
        hA[w]! += s * (1 - s) * b * b;
      }
      for (let w = 0; w < W; w++) alpha[w]! += clampStep((gA[w]! - (alpha[w]! - 1)) / (hA[w]! + 1));
      gB.fill(0);
      hB.fill(0);
      for (let i = 0; i < n; i++) {
        const t = set.task[i]!;
        const x = alpha[set.worker[i]!]! * Math.exp(logBeta[t]!);
        const s = 1 / (1 + Math.exp(-x));
        gB[t]! += (m[i]! - s) * x;
        hB[t]! += s * (1 - s) * x * x;
      }
      for (let t = 0; t < T; t++) logBeta[t]! += clampStep((gB[t]! - logBeta[t]!) / (hB[t]! + 1));
    }
  };

  /** Posterior into `post`; returns the marginal log-likelihood. */
  const eStep = (): number => {
    for (let j = 0; j < K; j++) {
      const lp = Math.log(Math.max(priors[j]!, 1e-10));
      for (let r = j; r < post.length; r += K) post[r] = lp;
    }
    for (let i = 0; i < n; i++) {
      const x = alpha[set.worker[i]!]! * Math.exp(logBeta[set.task[i]!]!);
      const right = logSigmoid(x);
      const wrong = logSigmoid(-x) - logOthers;
      const row = set.task[i]! * K;
      for (let j = 0; j < K; j++) post[row + j]! += wrong;
      post[row + set.label[i]!]! += right - wrong;
    }
    return normaliseLogRows(post, K, options.gold);
  };

  mStep();
  let logLik = Number.NEGATIVE_INFINITY;
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    const next = eStep();
    if (options.learnPriors) priors = columnMeans(post, K);
    mStep();
    if ((next - logLik) / n < tol) break;
    logLik = next;
  }
  // The model's own P(correct) on the tasks each worker actually did.
  const workerAccuracy = new Float64Array(W);
  const count = new Float64Array(W);
  for (let i = 0; i < n; i++) {
    const w = set.worker[i]!;
    workerAccuracy[w]! += 1 / (1 + Math.exp(-alpha[w]! * Math.exp(logBeta[set.task[i]!]!)));
    count[w]! += 1;
  }
  for (let w = 0; w < W; w++) workerAccuracy[w]! /= count[w]!;
  return {
    posterior: post,
    labels: argmaxRows(post, K),
    workerAccuracy,
    iterations,
    priors,
    alpha,
    beta: logBeta.map(Math.exp),
  };
}

/** Newton steps far from the optimum can overshoot; one unit per step is plenty on these scales. */
function clampStep(x: number): number {
  return Math.min(1, Math.max(-1, x));
}
