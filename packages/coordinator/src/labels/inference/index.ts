// The public API of truth inference; helpers shared between methods stay internal to this folder.
export { aggregateLabels, isLabelMethod, LABEL_METHODS, type LabelMethod } from './aggregate.js';
export {
  type BradleyTerryOptions,
  type BradleyTerryResult,
  bradleyTerry,
  type PairwiseComparison,
  parseComparisonsCsv,
  rankingsToComparisons,
} from './bradley-terry.js';
export { type DawidSkeneResult, dawidSkene } from './dawid-skene.js';
export { InferenceError, type InferenceErrorCode } from './errors.js';
export { type GladOptions, type GladResult, glad } from './glad.js';
export { krippendorffAlphaNominal } from './krippendorff.js';
export {
  encodeGold,
  encodeLabels,
  type LabelRow,
  type LabelSet,
  labelSetFromRows,
  parseGoldCsv,
  parseLabelsCsv,
  sortClasses,
} from './label-set.js';
export { type MaceOptions, type MaceResult, mace } from './mace.js';
export { majorityVote } from './majority-vote.js';
export { type OneCoinOptions, oneCoinDawidSkene } from './one-coin.js';
export { type Aggregation, confidences, type InferenceOptions } from './posterior.js';
export { aggregatedLabelsCsv, workerQualityCsv } from './report.js';
export { type SimulationOptions, simulateCrowd } from './simulate.js';
export {
  accuracyFromConfusion,
  type GoldScore,
  goldAccuracy,
  labelGoldAccuracy,
  workerAnswerCounts,
} from './worker-quality.js';
