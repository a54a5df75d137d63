import { fmix32, hash32 } from './minhash.js';
import { U32Counts } from './u32-counts.js';

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

const WORD = /[\p{L}\p{N}_]+/gu;
const LONG_TOKEN = /\S{40,}/g;

/** Longest whitespace-free token; only long ones are materialised. */
function longestToken(text: string): number {
  let max = 0;
  for (const m of text.matchAll(LONG_TOKEN)) max = Math.max(max, m[0].length);
  if (max) return max;
  for (const t of text.split(/\s+/, 2000)) max = Math.max(max, t.length);
  return max;
}

const STOP = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
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
interface Ngrams {
  keys: Uint32Array[]; // keys[n][i] = hash of words[i, i+n)
  pre: Float64Array;
}

function ngramKeys(words: string[], maxN: number): Ngrams {
  const w = words.length;
  const pre = new Float64Array(w + 1);
  const k1 = new Uint32Array(w);
  for (let i = 0; i < w; i++) {
    k1[i] = hash32(words[i] as string);
    pre[i + 1] = (pre[i] as number) + (words[i] as string).length;
  }
  const keys: Uint32Array[] = [new Uint32Array(0), k1];
  for (let n = 2; n <= maxN; n++) {
    const prev = keys[n - 1] as Uint32Array;
    const len = Math.max(0, w - n + 1);
    const k = new Uint32Array(len);
    for (let i = 0; i < len; i++)
      k[i] = fmix32(Math.imul(prev[i] as number, 31) + (k1[i + n - 1] as number) + n);
    keys.push(k);
  }
  return { keys, pre };
}

const gramChars = (g: Ngrams, i: number, n: number, sep: number) =>
  (g.pre[i + n] as number) - (g.pre[i] as number) + sep * (n - 1);

function topNgramChars(g: Ngrams, n: number): number {
  const keys = g.keys[n] as Uint32Array;
  const counts = new U32Counts(keys.length);
  let best = 0;
  for (let i = 0; i < keys.length; i++) {
    const c = counts.add(keys[i] as number);
    if (c > 1) {
      const chars = c * gramChars(g, i, n, 1);
      if (chars > best) best = chars;
    }
  }
  return best;
}

function dupNgramChars(g: Ngrams, n: number): number {
  const keys = g.keys[n] as Uint32Array;
  const seen = new U32Counts(keys.length);
  let chars = 0;
  let i = 0;
  while (i < keys.length) {
    // a count above one: the n-gram was met before (counting it again changes nothing that is read)
    if (seen.add(keys[i] as number) > 1) {
      chars += gramChars(g, i, n, 0);
      i += n;
    } else i++;
  }
  return chars;
}

/** Quality signals of a document's main text (paragraphs separated by blank lines). */
export function qualitySignals(doc: { text: string; language?: string | null }): QualitySignals {
  const text = doc.text ?? '';
  // words = runs of letters/digits (one regex pass; a whitespace split + trim per token is 3x slower)
  const words = text.match(WORD) ?? [];
  // n-gram repetition is measured on the first 100k words so a 10 MB page stays cheap
  const lower = words.slice(0, 100_000).map((w) => w.toLowerCase());
  const ng = ngramKeys(lower, 10);
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
  const stop = new Set(lower.filter((w) => STOP.has(w)));
  let c4Sentences = 0;
  for (const l of lines) {
    if (!TERMINAL.test(l) || l.split(/\s+/).length < 3 || /javascript/i.test(l) || POLICY.test(l)) continue;
    c4Sentences += l.match(SENTENCE)?.length ?? 1;
  }
  const frac = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    words: words.length,
    meanWordLength: frac(
      words.reduce((s, w) => s + w.length, 0),
      words.length,
    ),
    symbolToWordRatio: frac(symbols, words.length),
    bulletLineFraction: frac(lines.filter((l) => BULLET.test(l)).length, lines.length),
    ellipsisLineFraction: frac(lines.filter((l) => ELLIPSIS.test(l)).length, lines.length),
    alphaWordFraction: frac(words.filter((w) => /\p{L}/u.test(w)).length, words.length),
    stopWords: stop.size,
    language: doc.language ?? null,
    lines: lines.length,
    dupLineFraction: frac(dl, lines.length),
    dupLineCharFraction: dlc / chars,
    paragraphs: paragraphs.length,
    dupParagraphFraction: frac(dp, paragraphs.length),
    dupParagraphCharFraction: dpc / chars,
    topNgramCharFraction: {
      2: topNgramChars(ng, 2) / chars,
      3: topNgramChars(ng, 3) / chars,
      4: topNgramChars(ng, 4) / chars,
    },
    dupNgramCharFraction: {
      5: dupNgramChars(ng, 5) / chars,
      6: dupNgramChars(ng, 6) / chars,
      7: dupNgramChars(ng, 7) / chars,
      8: dupNgramChars(ng, 8) / chars,
      9: dupNgramChars(ng, 9) / chars,
      10: dupNgramChars(ng, 10) / chars,
    },
    terminalLineFraction: frac(lines.filter((l) => TERMINAL.test(l)).length, lines.length),
    c4Sentences,
    hasLoremIpsum: /lorem ipsum/i.test(text),
    hasCurlyBracket: text.includes('{'),
    maxWordLength: longestToken(text),
  };
}
