// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the label set
import { InferenceError } from './errors.js';
import type { LabelSet } from './label-set.js';

/** What every categorical method returns; arrays are indexed by the label set's integer codes. */
export interface Aggregation {
  /** P(true class = k | answers), row-major: tasks × classes. */
  posterior: Float64Array;
  /** Most probable class per task (lowest class index on ties). */
  labels: Int32Array;
  /** Estimated probability that each worker answers correctly. */
  workerAccuracy: Float64Array;
  iterations: number;
}

/** Options shared by the iterative methods. */
export interface InferenceOptions {
  /** Per task: known class, or -1. Known tasks are fixed to their class in every E-step. */
  gold?: Int32Array;
  /** EM rounds at most (default 100; MACE 50 per start). */
  maxIter?: number;
  /** Stop once the marginal log-likelihood gains less than this per answer (default 1e-7). */
  tol?: number;
}

/** Vote shares per task: the usual starting point for EM. */
export function voteShares(set: LabelSet): Float64Array {
  const K = set.classes.length;
  const post = new Float64Array(set.tasks.length * K);
  for (let i = 0; i < set.task.length; i++) post[set.task[i]! * K + set.label[i]!]! += 1;
  normaliseRows(post, K);
  return post;
}

export function normaliseRows(m: Float64Array, K: number): void {
  for (let r = 0; r < m.length; r += K) {
    let s = 0;
    for (let k = 0; k < K; k++) s += m[r + k]!;
    if (s > 0) for (let k = 0; k < K; k++) m[r + k]! /= s;
    else for (let k = 0; k < K; k++) m[r + k] = 1 / K;
  }
}

/**
 * Turns per-task log joint scores into posteriors in place and returns the marginal log-likelihood (for a
 * gold task, the joint with its known class, whose row becomes one-hot). Shifts by the row max so exp
 * never underflows; one exp per entry, since exp dominates the E-step on large sets.
 */
export function normaliseLogRows(post: Float64Array, K: number, gold: Int32Array | undefined): number {
  let logLik = 0;
  for (let t = 0, r = 0; r < post.length; t++, r += K) {
    const g = gold ? gold[t]! : -1;
    if (g >= 0) {
      logLik += post[r + g]!;
      for (let k = 0; k < K; k++) post[r + k] = k === g ? 1 : 0;
      continue;
    }
    let max = post[r]!;
    for (let k = 1; k < K; k++) if (post[r + k]! > max) max = post[r + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(post[r + k]! - max);
      post[r + k] = e;
      s += e;
    }
    for (let k = 0; k < K; k++) post[r + k]! /= s;
    logLik += max + Math.log(s);
  }
  return logLik;
}

/** Sets gold tasks to one-hot rows. */
export function clampGold(post: Float64Array, K: number, gold: Int32Array | undefined): void {
  if (!gold) return;
  for (let t = 0; t < gold.length; t++) {
    const g = gold[t]!;
    if (g < 0) continue;
    for (let k = 0; k < K; k++) post[t * K + k] = k === g ? 1 : 0;
  }
}

export function argmaxRows(m: Float64Array, K: number): Int32Array {
  const out = new Int32Array(m.length / K);
  for (let t = 0; t < out.length; t++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (m[t * K + k]! > m[t * K + best]!) best = k;
    out[t] = best;
  }
  return out;
}

export function columnMeans(m: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K);
  const rows = m.length / K;
  for (let r = 0; r < m.length; r += K) for (let k = 0; k < K; k++) out[k]! += m[r + k]!;
  for (let k = 0; k < K; k++) out[k]! /= rows;
  return out;
}

/** Per worker: the expected share of answers that match the truth, under a posterior. */
export function expectedAgreement(set: LabelSet, post: Float64Array): Float64Array {
  const K = set.classes.length;
  const hit = new Float64Array(set.workers.length);
  const n = new Float64Array(set.workers.length);
  for (let i = 0; i < set.task.length; i++) {
    hit[set.worker[i]!]! += post[set.task[i]! * K + set.label[i]!]!;
    n[set.worker[i]!]! += 1;
  }
  for (let w = 0; w < hit.length; w++) hit[w] = n[w]! > 0 ? hit[w]! / n[w]! : Number.NaN;
  return hit;
}

/** The confidence of each task's chosen label. */
export function confidences(agg: Aggregation, K: number): Float64Array {
  const out = new Float64Array(agg.labels.length);
  for (let t = 0; t < out.length; t++) out[t] = agg.posterior[t * K + agg.labels[t]!]!;
  return out;
}

export function checkGold(set: LabelSet, gold: Int32Array | undefined): void {
  if (gold && gold.length !== set.tasks.length) {
    throw new InferenceError('BAD_INPUT', `gold has ${gold.length} entries for ${set.tasks.length} tasks`);
  }
}
