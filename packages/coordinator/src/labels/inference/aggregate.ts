import { dawidSkene } from './dawid-skene.js';
import { InferenceError } from './errors.js';
import { glad } from './glad.js';
import { isLabelMethod, LABEL_METHODS } from './label-methods.js';
import type { LabelSet } from './label-set.js';
import { mace } from './mace.js';
import { majorityVote } from './majority-vote.js';
import { oneCoinDawidSkene } from './one-coin.js';
import type { Aggregation, InferenceOptions } from './posterior.js';

export { isLabelMethod, LABEL_METHODS, type LabelMethod } from './label-methods.js';

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
