// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the label set

import { seededRandom } from '@sward/core';
import { digamma } from './digamma.js';
import type { LabelSet } from './label-set.js';
import {
  type Aggregation,
  argmaxRows,
  checkGold,
  clampGold,
  type InferenceOptions,
  normaliseLogRows,
  voteShares,
} from './posterior.js';

export interface MaceResult extends Aggregation {
  /** Per worker P(not spamming): the chance an answer is a real attempt (then assumed correct). */
  competence: Float64Array;
  /** Per worker label distribution when spamming, at [w * K + l]. */
  spamStrategy: Float64Array;
  logLikelihood: number;
}

export interface MaceOptions extends InferenceOptions {
  /** Random restarts besides the one started from majority vote (MACE's default is 10). */
  restarts?: number;
  /**
   * 'vb' (default, as crowd-kit and MACE's README advise): variational Bayes with Beta(0.5, 0.5) on
   * competence and Dirichlet(0.1) on strategies, which keeps thinly-observed workers from looking perfect.
   * 'em': plain EM with 0.01 pseudo-counts (MACE's command-line default).
   */
  method?: 'vb' | 'em';
  seed?: number;
}

interface Params {
  /** Reported means: P(attempt) per worker, spam distribution per worker and class. */
  theta: Float64Array;
  xi: Float64Array;
  /** What the E-step multiplies: the means under EM, exp E[log ·] under VB. */
  attemptW: Float64Array;
  spamW: Float64Array;
  xiW: Float64Array;
}

function newParams(W: number, K: number): Params {
  return {
    theta: new Float64Array(W),
    xi: new Float64Array(W * K),
    attemptW: new Float64Array(W),
    spamW: new Float64Array(W),
    xiW: new Float64Array(W * K),
  };
}

/**
 * MACE (Hovy et al., NAACL 2013): each answer is either a real attempt (correct) with probability θ_worker,
 * or spam drawn from the worker's own label distribution ξ_worker. Unlike DS it tells spammers (θ≈0)
 * apart from honest-but-wrong workers. Uniform class priors as in MACE; of one start from majority vote
 * and `restarts` random ones, the best by log-likelihood wins.
 */
export function mace(set: LabelSet, options: MaceOptions = {}): MaceResult {
  checkGold(set, options.gold);
  const K = set.classes.length;
  const W = set.workers.length;
  const restarts = options.restarts ?? 10;
  const vb = (options.method ?? 'vb') === 'vb';
  const rand = seededRandom(options.seed ?? 1);
  let best: { post: Float64Array; params: Params; logLik: number; iterations: number } | undefined;
  for (let run = 0; run <= restarts; run++) {
    const params = newParams(W, K);
    if (run === 0) {
      const post = voteShares(set);
      clampGold(post, K, options.gold);
      mStep(set, post, params, vb, true);
    } else {
      for (let w = 0; w < W; w++) {
        const th = 0.1 + 0.8 * rand();
        params.theta[w] = params.attemptW[w] = th;
        params.spamW[w] = 1 - th;
        let s = 0;
        for (let l = 0; l < K; l++) s += params.xi[w * K + l] = 0.1 + rand();
        for (let l = 0; l < K; l++) params.xi[w * K + l] = params.xiW[w * K + l] = params.xi[w * K + l]! / s;
      }
    }
    const result = fit(set, params, options, vb);
    if (!best || result.logLik > best.logLik) best = result;
  }
  if (!best) throw new Error('unreachable: at least one start runs');
  return {
    posterior: best.post,
    labels: argmaxRows(best.post, K),
    // P(correct) = attempt, or a spam answer that happens to hit the truth (uniform truth, as the model).
    workerAccuracy: best.params.theta.map((th) => th + (1 - th) / K),
    iterations: best.iterations,
    competence: best.params.theta,
    spamStrategy: best.params.xi,
    logLikelihood: best.logLik,
  };
}

function fit(set: LabelSet, params: Params, options: MaceOptions, vb: boolean) {
  const K = set.classes.length;
  const post = new Float64Array(set.tasks.length * K);
  const maxIter = options.maxIter ?? 50;
  const tol = options.tol ?? 1e-7;
  let logLik = Number.NEGATIVE_INFINITY;
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    const next = eStep(set, params, options.gold, post);
    mStep(set, post, params, vb, false);
    const done = (next - logLik) / set.task.length < tol;
    logLik = next;
    if (done) break;
  }
  logLik = eStep(set, params, options.gold, post);
  return { post, params, logLik, iterations };
}

/** P(answer l | true k) ∝ attempt·[l = k] + spam·ξ[l]; writes the posterior, returns the log-likelihood. */
function eStep(set: LabelSet, p: Params, gold: Int32Array | undefined, post: Float64Array): number {
  const K = set.classes.length;
  post.fill(-Math.log(K));
  for (let i = 0; i < set.task.length; i++) {
    const w = set.worker[i]!;
    const l = set.label[i]!;
    const spam = p.spamW[w]! * p.xiW[w * K + l]!;
    const wrong = Math.log(spam);
    const row = set.task[i]! * K;
    for (let j = 0; j < K; j++) post[row + j]! += wrong;
    post[row + l]! += Math.log(p.attemptW[w]! + spam) - wrong;
  }
  return normaliseLogRows(post, K, gold);
}

const EM_SMOOTHING = 0.01;
const VB_ALPHA = 0.5;
const VB_BETA = 0.5;
const VB_STRATEGY = 0.1;

/** Expected attempt/spam counts per answer, then EM point estimates or VB weights from them. */
function mStep(set: LabelSet, post: Float64Array, p: Params, vb: boolean, fromVotes: boolean): void {
  const K = set.classes.length;
  const W = set.workers.length;
  const attempt = new Float64Array(W);
  const spamCount = new Float64Array(W * K);
  for (let i = 0; i < set.task.length; i++) {
    const w = set.worker[i]!;
    const l = set.label[i]!;
    const m = post[set.task[i]! * K + l]!;
    // Share of this answer explained by a real attempt; from votes (no params yet) agreement counts as one.
    let a = m;
    if (!fromVotes) {
      const at = p.attemptW[w]!;
      a = (m * at) / (at + p.spamW[w]! * p.xiW[w * K + l]!);
    }
    attempt[w]! += a;
    spamCount[w * K + l]! += 1 - a;
  }
  for (let w = 0; w < W; w++) {
    let spam = 0;
    for (let l = 0; l < K; l++) spam += spamCount[w * K + l]!;
    if (vb) {
      const a = attempt[w]! + VB_ALPHA;
      const b = spam + VB_BETA;
      const total = digamma(a + b);
      p.theta[w] = a / (a + b);
      p.attemptW[w] = Math.exp(digamma(a) - total);
      p.spamW[w] = Math.exp(digamma(b) - total);
      const c = spam + K * VB_STRATEGY;
      const cTotal = digamma(c);
      for (let l = 0; l < K; l++) {
        const x = spamCount[w * K + l]! + VB_STRATEGY;
        p.xi[w * K + l] = x / c;
        p.xiW[w * K + l] = Math.exp(digamma(x) - cTotal);
      }
    } else {
      const th = Math.min(1 - 1e-9, (attempt[w]! + EM_SMOOTHING) / (attempt[w]! + spam + 2 * EM_SMOOTHING));
      p.theta[w] = p.attemptW[w] = th;
      p.spamW[w] = 1 - th;
      for (let l = 0; l < K; l++) {
        const x = Math.max(1e-12, (spamCount[w * K + l]! + EM_SMOOTHING) / (spam + K * EM_SMOOTHING));
        p.xi[w * K + l] = p.xiW[w * K + l] = x;
      }
    }
  }
}
