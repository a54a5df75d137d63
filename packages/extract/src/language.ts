import { iso6393To1 } from 'iso-639-3/iso6393-to-1.js';
import { rankLanguages } from './trigram-ranking.js';

// franc-min (trigram profiles of the languages with 8M+ speakers, 150 KB) rather than eld: eld's smallest
// useful model is a 1.6 MB object literal that took 360 ms and 150 MB to load, in every process that
// extracts (a one-page `sward extract` was 25× a bare Node start). On the development sets (789 pages with
// text, 743 declaring a lang) franc-min with the rules below agrees with the declared lang on 740, eld on 737.

const SAMPLE = 4000;
/** franc scores are 1 for the best guess; a runner-up this close means the text does not decide. */
const UNDECIDED_GAP = 0.05;

// franc names some languages by an individual code whose ISO 639-1 code belongs to the macrolanguage
// (ISO 639-3 macrolanguage mappings); iso-639-3's table maps only codes that have a 639-1 code themselves.
const MACRO_TO_1: Record<string, string> = {
  arb: 'ar',
  azj: 'az',
  cmn: 'zh',
  npi: 'ne',
  pbu: 'ps',
  pes: 'fa',
  plt: 'mg',
  swh: 'sw',
  uzn: 'uz',
  zlm: 'ms',
};

function toIso1(code: string): string | null {
  return (iso6393To1 as Record<string, string | undefined>)[code] ?? MACRO_TO_1[code] ?? null;
}

/** ISO 639-1 code of the text, else the page's declared `lang` primary subtag, else null. */
export function detectLanguage(text: string, declared?: string | null): string | null {
  const hint = declared ? (declared.trim().toLowerCase().split(/[-_]/)[0] ?? '') : '';
  const fromHint = /^[a-z]{2}$/.test(hint) ? hint : null;
  if (text.length < 20) return fromHint;
  const ranked = rankLanguages(text.length > SAMPLE ? text.slice(0, SAMPLE) : text, 20);
  const [best, second] = ranked;
  const guess = best && best[0] !== 'und' ? toIso1(best[0]) : null;
  const decided = !second || (best as [string, number])[1] - second[1] >= UNDECIDED_GAP;
  if (guess && (decided || !fromHint)) return guess;
  return fromHint ?? guess;
}
