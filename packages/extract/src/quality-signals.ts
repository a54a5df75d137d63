import { fmix32 } from './minhash.js';
import { U32Counts } from './u32-counts.js';
import { longestToken, spaceRuns } from './whitespace.js';
import { type WordStats, wordStats } from './word-stats.js';

// Gopher (Rae et al. 2021, appendix A) and C4 (Raffel et al. 2020) heuristics, computed as
// numbers so callers can filter with presets or their own thresholds. The repetition
// measures follow datatrove's GopherRepetitionFilter definitions (chars of duplicated
// lines/paragraphs/n-grams over all chars). Hand-written: no maintained npm package has them.

export interface QualitySignals {
  words: number;
  meanWordLength: number;
  /** ('#' + '...' / '…') per word */
  symbolToWordRatio: number;
  bulletLineFraction: number;
  ellipsisLineFraction: number;
  /** share of words with at least one letter */
  alphaWordFraction: number;
  /** distinct Gopher stop words present (the, be, to, of, and, that, have, with) */
  stopWords: number;
  language: string | null;
  lines: number;
  dupLineFraction: number;
  dupLineCharFraction: number;
  paragraphs: number;
  dupParagraphFraction: number;
  dupParagraphCharFraction: number;
  /** chars of the most frequent n-gram over all chars, n = 2, 3, 4 */
  topNgramCharFraction: Record<2 | 3 | 4, number>;
  /** chars in repeated n-grams over all chars, n = 5..10 */
  dupNgramCharFraction: Record<5 | 6 | 7 | 8 | 9 | 10, number>;
  /** C4: share of non-empty lines ending in terminal punctuation */
  terminalLineFraction: number;
  /** C4: sentences left after its line filter (terminal punctuation, >= 3 words, no "javascript", no policy boilerplate) */
  c4Sentences: number;
  hasLoremIpsum: boolean;
  hasCurlyBracket: boolean;
  maxWordLength: number;
}

const BULLET = /^\s*[•●○▪▫■□◦‣∙*·-]\s|^\s*[•●○▪▫■□◦‣∙·]/;
const ELLIPSIS = /(\.\.\.|…)\s*$/;
const TERMINAL = /[.!?"'”’»)]\s*$/;
const POLICY = /terms of use|privacy policy|cookie policy|uses cookies|use of cookies|use cookies/i;
const SENTENCE = /[^.!?]+[.!?]+/g;

function dupStats(items: string[]): [number, number] {
  const seen = new Set<string>();
  let n = 0;
  let chars = 0;
  for (const x of items) {
    if (seen.has(x)) {
      n++;
      chars += x.length;
    } else seen.add(x);
  }
  return [n, chars];
}

// n-grams are keyed by 32-bit hashes built incrementally (the key of an n-gram extends
// the key of its (n-1)-gram prefix), so no per-n-gram string exists and each n costs one
// pass; character lengths (words + separating spaces, as datatrove counts) come from prefix sums.
// The keys of one n overwrite those of n - 1 in place; the arrays (word-stats.ts) and the counting table
// are kept between pages, so a page allocates none.
interface Ngrams {
  n: number;
  /** keys[i] = hash of words[i, i + n), i < words - n + 1 */
  keys: Uint32Array;
  k1: Uint32Array;
  pre: Float64Array;
  words: number;
}

/** Pages of up to this many words reuse the counting table. */
const KEEP = 1 << 14;
const table = new U32Counts(0);

/** Moves `g` from n-grams to (n+1)-grams. */
function nextN(g: Ngrams): void {
  const n = ++g.n;
  const { keys, k1 } = g;
  const len = Math.max(0, g.words - n + 1);
  for (let i = 0; i < len; i++)
    keys[i] = fmix32(Math.imul(keys[i] as number, 31) + (k1[i + n - 1] as number) + n);
}

const gramChars = (g: Ngrams, i: number, n: number, sep: number) =>
  (g.pre[i + n] as number) - (g.pre[i] as number) + sep * (n - 1);

const countingTable = (n: number): U32Counts => (n <= KEEP ? table.reset(n) : new U32Counts(n));

function topNgramChars(g: Ngrams): number {
  const { keys, n } = g;
  const len = Math.max(0, g.words - n + 1);
  const counts = countingTable(len);
  let best = 0;
  for (let i = 0; i < len; i++) {
    const c = counts.add(keys[i] as number);
    if (c > 1) {
      const chars = c * gramChars(g, i, n, 1);
      if (chars > best) best = chars;
    }
  }
  return best;
}

function dupNgramChars(g: Ngrams): number {
  const { keys, n } = g;
  const len = Math.max(0, g.words - n + 1);
  const seen = countingTable(len);
  let chars = 0;
  let i = 0;
  while (i < len) {
    // a count above one: the n-gram was met before (counting it again changes nothing that is read)
    if (seen.add(keys[i] as number) > 1) {
      chars += gramChars(g, i, n, 0);
      i += n;
    } else i++;
  }
  return chars;
}

/** The n-gram signals for n = 2 … 10, in order. */
function ngramSignals(w: WordStats, chars: number) {
  const g: Ngrams = { n: 1, keys: w.keys, k1: w.k1, pre: w.pre, words: w.grams };
  const top = (): number => {
    nextN(g);
    return topNgramChars(g) / chars;
  };
  const dup = (): number => {
    nextN(g);
    return dupNgramChars(g) / chars;
  };
  const topNgramCharFraction = { 2: top(), 3: top(), 4: top() };
  const dupNgramCharFraction = { 5: dup(), 6: dup(), 7: dup(), 8: dup(), 9: dup(), 10: dup() };
  return { topNgramCharFraction, dupNgramCharFraction };
}

/** How many of `items` `re` (not global) matches. */
function countOf(items: string[], re: RegExp): number {
  let n = 0;
  for (const x of items) if (re.test(x)) n++;
  return n;
}

/** Quality signals of a document's main text (paragraphs separated by blank lines). */
export function qualitySignals(doc: { text: string; language?: string | null }): QualitySignals {
  const text = doc.text ?? '';
  // words = runs of letters/digits (WORD), read with what the signals need of them
  const words = wordStats(text);
  const chars = Math.max(1, text.length);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  const symbols = (text.match(/#/g)?.length ?? 0) + (text.match(/\.\.\.|…/g)?.length ?? 0);
  const [dl, dlc] = dupStats(lines);
  const [dp, dpc] = dupStats(paragraphs);
  let c4Sentences = 0;
  let terminalLines = 0;
  for (const l of lines) {
    if (!TERMINAL.test(l)) continue;
    terminalLines++;
    // fewer than three words: the line, trimmed, splits on whitespace into fewer than three pieces
    if (spaceRuns(l, 2) < 2 || /javascript/i.test(l) || POLICY.test(l)) continue;
    c4Sentences += l.match(SENTENCE)?.length ?? 1;
  }
  const { topNgramCharFraction, dupNgramCharFraction } = ngramSignals(words, chars);
  const frac = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    words: words.count,
    meanWordLength: frac(words.chars, words.count),
    symbolToWordRatio: frac(symbols, words.count),
    bulletLineFraction: frac(countOf(lines, BULLET), lines.length),
    ellipsisLineFraction: frac(countOf(lines, ELLIPSIS), lines.length),
    alphaWordFraction: frac(words.alpha, words.count),
    stopWords: words.stop,
    language: doc.language ?? null,
    lines: lines.length,
    dupLineFraction: frac(dl, lines.length),
    dupLineCharFraction: dlc / chars,
    paragraphs: paragraphs.length,
    dupParagraphFraction: frac(dp, paragraphs.length),
    dupParagraphCharFraction: dpc / chars,
    topNgramCharFraction,
    dupNgramCharFraction,
    terminalLineFraction: frac(terminalLines, lines.length),
    c4Sentences,
    hasLoremIpsum: /lorem ipsum/i.test(text),
    hasCurlyBracket: text.includes('{'),
    maxWordLength: longestToken(text),
  };
}
