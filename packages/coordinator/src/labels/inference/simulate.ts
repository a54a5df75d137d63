// biome-ignore-all lint/style/noNonNullAssertion: loops index typed arrays within bounds they just allocated

import { seededRandom } from '@sward/core';
import type { LabelSet } from './label-set.js';

export interface SimulationOptions {
  tasks: number;
  workers: number;
  classes: number;
  answersPerTask: number;
  /** Worker accuracies are drawn uniformly from this range; wrong answers are uniform over other classes. */
  accuracy?: [number, number];
  /** Share of workers who answer uniformly at random. */
  spammers?: number;
  seed?: number;
}

/** Synthetic crowd with known truth, for tests and benchmarks (e.g. 1M answers for the speed bench). */
export function simulateCrowd(o: SimulationOptions): {
  set: LabelSet;
  truth: Int32Array;
  accuracy: Float64Array;
} {
  const rand = seededRandom(o.seed ?? 7);
  const [lo, hi] = o.accuracy ?? [0.55, 0.95];
  const K = o.classes;
  const accuracy = new Float64Array(o.workers).map(() => lo + (hi - lo) * rand());
  const spam = Math.round((o.spammers ?? 0) * o.workers);
  for (let w = 0; w < spam; w++) accuracy[w] = 1 / K;
  const truth = new Int32Array(o.tasks).map(() => Math.floor(rand() * K));
  const n = o.tasks * o.answersPerTask;
  const set: LabelSet = {
    tasks: Array.from({ length: o.tasks }, (_, t) => `t${t}`),
    workers: Array.from({ length: o.workers }, (_, w) => `w${w}`),
    classes: Array.from({ length: K }, (_, k) => String(k)),
    task: new Int32Array(n),
    worker: new Int32Array(n),
    label: new Int32Array(n),
  };
  let i = 0;
  for (let t = 0; t < o.tasks; t++) {
    for (let a = 0; a < o.answersPerTask; a++, i++) {
      // Distinct workers per task would need a shuffle; stepping by a co-prime-ish stride is enough here.
      const w = (t * 7919 + a * 104729 + Math.floor(rand() * 3)) % o.workers;
      const right = rand() < accuracy[w]!;
      let l = truth[t]!;
      if (w < spam) l = Math.floor(rand() * K);
      else if (!right && K > 1) l = (l + 1 + Math.floor(rand() * (K - 1))) % K;
      set.task[i] = t;
      set.worker[i] = w;
      set.label[i] = l;
    }
  }
  return { set, truth, accuracy };
}
