import { fmix32, hash32 } from './minhash.js';

// The words of a main text as quality signals count them (WORD matches), with what those signals read of
// them: their number and length, how many hold a letter, the stop words met, and each word's n-gram key
// (hash32 of the word lower-cased) with prefix sums of the lower-cased lengths. An ASCII text (most pages'
// text) is read once by code unit, making no string per word; any other text takes the expression and the
// strings, as before. word-stats.test.ts holds the two equal.

/** A word: a run of letters, digits and '_' (global: for `text.match(WORD)`; every user of it reads it so). */
export const WORD = /[\p{L}\p{N}_]+/gu;
const LETTER = /\p{L}/u;
/** Gopher's stop words (the, be, to, of, and, that, have, with). */
const STOP = ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'];
const STOP_SET = new Set(STOP);

/** n-gram repetition is measured on the first this many words, so a 10 MB page stays cheap. */
export const NGRAM_WORDS = 100_000;

/** Pages of up to this many words reuse the arrays (a longer one allocates its own, kept by no one). */
const KEEP = 1 << 14;

export interface WordStats {
  /** WORD matches */
  count: number;
  /** their summed length */
  chars: number;
  /** how many hold a letter (/\p{L}/u) */
  alpha: number;
  /** distinct stop words among the first NGRAM_WORDS words, lower-cased */
  stop: number;
  /** how many words the n-gram arrays hold: min(count, NGRAM_WORDS) */
  grams: number;
  /** k1[i] = keys[i] = hash32 of word i lower-cased, i < grams */
  k1: Uint32Array;
  keys: Uint32Array;
  /** pre[i] = summed lower-cased length of words [0, i) */
  pre: Float64Array;
}

interface Arrays {
  k1: Uint32Array;
  keys: Uint32Array;
  pre: Float64Array;
}
// a page's main text is read once, start to end, by one call: its arrays are kept for the next page
let scratch: Arrays | null = null;

function arrays(w: number): Arrays {
  if (scratch && scratch.k1.length >= w) return scratch;
  const a = { k1: new Uint32Array(w), keys: new Uint32Array(w), pre: new Float64Array(w + 1) };
  if (w <= KEEP) scratch = a;
  return a;
}

/** The words of `text` (the ASCII scan when every code unit is below 0x80). */
export function wordStats(text: string): WordStats {
  return asciiWordStats(text) ?? regexWordStats(text);
}

/** The expression's reading: a string per word, lower-cased copies for the n-gram keys. */
export function regexWordStats(text: string): WordStats {
  const words = text.match(WORD) ?? [];
  const lower = words.slice(0, NGRAM_WORDS).map((w) => w.toLowerCase());
  const { k1, keys, pre } = arrays(lower.length);
  pre[0] = 0;
  const stop = new Set<string>();
  for (let i = 0; i < lower.length; i++) {
    const w = lower[i] as string;
    const h = hash32(w);
    k1[i] = h;
    keys[i] = h;
    pre[i + 1] = (pre[i] as number) + w.length;
    if (STOP_SET.has(w)) stop.add(w);
  }
  let chars = 0;
  let alpha = 0;
  for (const w of words) {
    chars += w.length;
    if (hasLetter(w)) alpha++;
  }
  return { count: words.length, chars, alpha, stop: stop.size, grams: lower.length, k1, keys, pre };
}

/** A word holds a letter: one with an ASCII letter does, one of ASCII digits and '_' alone does not. */
function hasLetter(w: string): boolean {
  let ascii = true;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 0x80) ascii = false;
    else if ((c | 0x20) >= 97 && (c | 0x20) <= 122) return true;
  }
  return !ascii && LETTER.test(w);
}

/** A word of up to four ASCII code units, lower-cased, as a number: its length, then 7 bits a unit. */
const shortKey = (key: number, len: number): number => len * 0x10000000 + key;
const STOP_KEYS = new Map<number, number>(
  STOP.map((w, bit) => {
    let key = 0;
    for (let i = 0; i < w.length; i++) key = key * 128 + w.charCodeAt(i);
    return [shortKey(key, w.length), 1 << bit];
  }),
);

/** ASCII letters, digits and '_': what WORD matches below 0x80. */
const isWordUnit = (c: number): boolean =>
  (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95;

/** The same reading of an ASCII text by code unit; null when `text` holds a unit of 0x80 or above. */
export function asciiWordStats(text: string): WordStats | null {
  const n = text.length;
  // a word is a unit or more, and the next one starts a unit after it ends: a text of up to 2 × KEEP units
  // fits the kept arrays; a longer one grows its own as its words come
  let { k1, keys, pre } = arrays(Math.min(NGRAM_WORDS, KEEP, (n + 1) >> 1));
  pre[0] = 0;
  let count = 0;
  let chars = 0;
  let alpha = 0;
  let stops = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 0x80) return null;
    if (!isWordUnit(c)) {
      i++;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5 | 0;
    let letter = false;
    let key = 0;
    for (;;) {
      const lc = c >= 65 && c <= 90 ? c + 32 : c;
      if (lc >= 97 && lc <= 122) letter = true;
      h = Math.imul(h ^ lc, 0x01000193);
      if (i - start < 4) key = key * 128 + lc;
      if (++i >= n) break;
      c = text.charCodeAt(i);
      // a unit of 0x80 or above ends the word here; the outer loop then gives the text up
      if (c >= 0x80 || !isWordUnit(c)) break;
    }
    const len = i - start;
    if (count === k1.length && count < NGRAM_WORDS) {
      const size = Math.min(NGRAM_WORDS, 2 * count);
      const grown = {
        k1: new Uint32Array(size),
        keys: new Uint32Array(size),
        pre: new Float64Array(size + 1),
      };
      grown.k1.set(k1);
      grown.keys.set(keys);
      grown.pre.set(pre);
      ({ k1, keys, pre } = grown);
    }
    if (count < NGRAM_WORDS) {
      const k = fmix32(h);
      k1[count] = k;
      keys[count] = k;
      pre[count + 1] = (pre[count] as number) + len;
      if (len >= 2 && len <= 4) stops |= STOP_KEYS.get(shortKey(key, len)) ?? 0;
    }
    count++;
    chars += len;
    if (letter) alpha++;
  }
  let stop = 0;
  for (; stops; stops &= stops - 1) stop++;
  return { count, chars, alpha, stop, grams: Math.min(count, NGRAM_WORDS), k1, keys, pre };
}
