// biome-ignore-all lint/style/noNonNullAssertion: loops index typed arrays within bounds set by the label set
import type { LabelSet } from './label-set.js';

/**
 * Krippendorff's alpha for nominal data over all answers (tasks are units, any number of coders per unit,
 * missing answers allowed): α = 1 − D_o / D_e from the coincidence matrix. Units with one answer carry no
 * pairs and are left out, as the definition says. NaN when there is no disagreement to expect (one value).
 */
export function krippendorffAlphaNominal(set: LabelSet): number {
  const K = set.classes.length;
  const T = set.tasks.length;
  const counts = new Float64Array(T * K);
  const m = new Float64Array(T);
  for (let i = 0; i < set.task.length; i++) {
    counts[set.task[i]! * K + set.label[i]!]! += 1;
    m[set.task[i]!]! += 1;
  }
  const perClass = new Float64Array(K);
  let observed = 0;
  let n = 0;
  for (let t = 0; t < T; t++) {
    const mu = m[t]!;
    if (mu < 2) continue;
    let same = 0;
    for (let k = 0; k < K; k++) {
      const c = counts[t * K + k]!;
      same += c * c;
      perClass[k]! += c;
    }
    // Disagreeing ordered pairs in this unit, each weighted 1 / (m_u − 1).
    observed += (mu * mu - same) / (mu - 1);
    n += mu;
  }
  let sameTotal = 0;
  for (let k = 0; k < K; k++) sameTotal += perClass[k]! * perClass[k]!;
  const expected = (n * n - sameTotal) / (n - 1);
  return expected > 0 ? 1 - observed / expected : Number.NaN;
}
