import type { LabelSet } from './label-set.js';
import {
  type Aggregation,
  argmaxRows,
  checkGold,
  clampGold,
  expectedAgreement,
  type InferenceOptions,
  voteShares,
} from './posterior.js';

/**
 * Majority vote: the posterior is each task's vote share; ties go to the lowest class. A worker's accuracy
 * is how often they agree with the winning label.
 */
export function majorityVote(set: LabelSet, options: Pick<InferenceOptions, 'gold'> = {}): Aggregation {
  checkGold(set, options.gold);
  const K = set.classes.length;
  const posterior = voteShares(set);
  clampGold(posterior, K, options.gold);
  const labels = argmaxRows(posterior, K);
  const hard = new Float64Array(posterior.length);
  labels.forEach((k, t) => {
    hard[t * K + k] = 1;
  });
  return { posterior, labels, workerAccuracy: expectedAgreement(set, hard), iterations: 0 };
}
