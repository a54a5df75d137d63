import { dawidSkene } from './dawid-skene.js';
import { InferenceError } from './errors.js';
import { glad } from './glad.js';
import type { LabelSet } from './label-set.js';
import { mace } from './mace.js';
import { majorityVote } from './majority-vote.js';
import { oneCoinDawidSkene } from './one-coin.js';
import type { Aggregation, InferenceOptions } from './posterior.js';

export const LABEL_METHODS = ['mv', 'ds', 'onecoin', 'glad', 'mace'] as const;
export type LabelMethod = (typeof LABEL_METHODS)[number];

export function isLabelMethod(name: string): name is LabelMethod {
  return (LABEL_METHODS as readonly string[]).includes(name);
}

/** Runs one categorical method by name: the single switch the CLI and benches go through. */
export function aggregateLabels(set: LabelSet, method: string, options: InferenceOptions = {}): Aggregation {
  if (!isLabelMethod(method)) {
    throw new InferenceError(
      'UNKNOWN_METHOD',
      `unknown method "${method}"; use one of ${LABEL_METHODS.join(', ')}`,
    );
  }
  switch (method) {
    case 'mv':
      return majorityVote(set, options);
    case 'ds':
      return dawidSkene(set, options);
    case 'onecoin':
      return oneCoinDawidSkene(set, options);
    case 'glad':
      return glad(set, options);
    case 'mace':
      return mace(set, options);
  }
}
