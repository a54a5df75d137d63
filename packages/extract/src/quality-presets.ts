import { ExtractError } from './errors.js';
import type { QualitySignals } from './quality-signals.js';

export type QualityPreset = 'none' | 'c4' | 'gopher' | 'strict';
export const QUALITY_PRESETS: readonly QualityPreset[] = ['none', 'c4', 'gopher', 'strict'];

export interface QualityVerdict {
  pass: boolean;
  /** One machine-readable reason per failed rule, e.g. "gopher:words<50". */
  reasons: string[];
}

type Rule = (s: QualitySignals) => string | null;
const below =
  (name: string, v: (s: QualitySignals) => number, min: number, tag: string): Rule =>
  (s) =>
    v(s) < min ? `${tag}:${name}<${min}` : null;
const above =
  (name: string, v: (s: QualitySignals) => number, max: number, tag: string): Rule =>
  (s) =>
    v(s) > max ? `${tag}:${name}>${max}` : null;

// Thresholds as published (Gopher: Rae et al. 2021 table A1; C4: Raffel et al. 2020 §2.2).
const GOPHER: Rule[] = [
  below('words', (s) => s.words, 50, 'gopher'),
  above('words', (s) => s.words, 100_000, 'gopher'),
  below('meanWordLength', (s) => s.meanWordLength, 3, 'gopher'),
  above('meanWordLength', (s) => s.meanWordLength, 10, 'gopher'),
  above('symbolToWordRatio', (s) => s.symbolToWordRatio, 0.1, 'gopher'),
  above('bulletLineFraction', (s) => s.bulletLineFraction, 0.9, 'gopher'),
  above('ellipsisLineFraction', (s) => s.ellipsisLineFraction, 0.3, 'gopher'),
  below('alphaWordFraction', (s) => s.alphaWordFraction, 0.8, 'gopher'),
  // the stop-word rule is English-specific (as in the paper); other languages skip it
  (s) => ((s.language && s.language !== 'en') || s.stopWords >= 2 ? null : 'gopher:stopWords<2'),
  above('dupLineFraction', (s) => s.dupLineFraction, 0.3, 'gopher'),
  above('dupParagraphFraction', (s) => s.dupParagraphFraction, 0.3, 'gopher'),
  above('dupLineCharFraction', (s) => s.dupLineCharFraction, 0.2, 'gopher'),
  above('dupParagraphCharFraction', (s) => s.dupParagraphCharFraction, 0.2, 'gopher'),
  above('top2gramCharFraction', (s) => s.topNgramCharFraction[2], 0.2, 'gopher'),
  above('top3gramCharFraction', (s) => s.topNgramCharFraction[3], 0.18, 'gopher'),
  above('top4gramCharFraction', (s) => s.topNgramCharFraction[4], 0.16, 'gopher'),
  above('dup5gramCharFraction', (s) => s.dupNgramCharFraction[5], 0.15, 'gopher'),
  above('dup6gramCharFraction', (s) => s.dupNgramCharFraction[6], 0.14, 'gopher'),
  above('dup7gramCharFraction', (s) => s.dupNgramCharFraction[7], 0.13, 'gopher'),
  above('dup8gramCharFraction', (s) => s.dupNgramCharFraction[8], 0.12, 'gopher'),
  above('dup9gramCharFraction', (s) => s.dupNgramCharFraction[9], 0.11, 'gopher'),
  above('dup10gramCharFraction', (s) => s.dupNgramCharFraction[10], 0.1, 'gopher'),
];

const C4: Rule[] = [
  below('sentences', (s) => s.c4Sentences, 5, 'c4'),
  (s) => (s.hasLoremIpsum ? 'c4:loremIpsum' : null),
  (s) => (s.hasCurlyBracket ? 'c4:curlyBracket' : null),
  above('maxWordLength', (s) => s.maxWordLength, 1000, 'c4'),
];

const STRICT: Rule[] = [
  ...GOPHER,
  ...C4,
  below('words', (s) => s.words, 100, 'strict'),
  below('terminalLineFraction', (s) => s.terminalLineFraction, 0.5, 'strict'),
];

const RULES: Record<QualityPreset, Rule[]> = { none: [], c4: C4, gopher: GOPHER, strict: STRICT };

/** Applies a named preset; `reasons` lists every rule the document failed. */
export function applyQualityPreset(signals: QualitySignals, preset: QualityPreset): QualityVerdict {
  const rules = RULES[preset];
  if (!rules)
    throw new ExtractError(
      'BAD_PRESET',
      `unknown quality preset "${String(preset)}"; use one of ${QUALITY_PRESETS.join(', ')}`,
    );
  const reasons = rules.map((r) => r(signals)).filter((r): r is string => r !== null);
  return { pass: reasons.length === 0, reasons };
}

/**
 * One number for a document's quality, for a dataset's valuation report: the share of the strict preset's
 * rules (Gopher, C4 and the strict additions, `STRICT.length` in all) the document passes, from 0 to 1.
 * A document every preset keeps scores 1; each failed rule takes the same share off.
 */
export function qualityScore(signals: QualitySignals): number {
  const failed = STRICT.filter((r) => r(signals) !== null).length;
  return (STRICT.length - failed) / STRICT.length;
}
