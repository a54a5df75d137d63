import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hash32 } from './minhash.js';
import { asciiWordStats, NGRAM_WORDS, regexWordStats, type WordStats, wordStats } from './word-stats.js';

/** What the quality signals computed from the word strings before the scan (the definitions). */
function byStrings(text: string) {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  const lower = words.slice(0, NGRAM_WORDS).map((w) => w.toLowerCase());
  const stop = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
  const pre = [0];
  for (const w of lower) pre.push((pre.at(-1) as number) + w.length);
  const k1 = lower.map((w) => hash32(w));
  return {
    count: words.length,
    chars: words.reduce((s, w) => s + w.length, 0),
    alpha: words.filter((w) => /\p{L}/u.test(w)).length,
    stop: new Set(lower.filter((w) => stop.has(w))).size,
    grams: lower.length,
    k1,
    keys: k1,
    pre,
  };
}

/** A copy of a result: the arrays are kept for the next call. */
const copy = (s: WordStats) => ({
  count: s.count,
  chars: s.chars,
  alpha: s.alpha,
  stop: s.stop,
  grams: s.grams,
  k1: Array.from(s.k1.subarray(0, s.grams)),
  keys: Array.from(s.keys.subarray(0, s.grams)),
  pre: Array.from(s.pre.subarray(0, s.grams + 1)),
});

const unit = fc.constantFrom(
  'the',
  'The',
  'THE',
  'tHe',
  'be',
  'to',
  'Of',
  'and',
  'That',
  'have',
  'With',
  'wither',
  'ha',
  'thee',
  'a',
  'Z',
  '_',
  '0',
  '9',
  ' ',
  '\n',
  '.',
  '-',
  '@',
  '[',
  '`',
  '{',
  '\u007f',
  '\u0000',
);
const wide = fc.constantFrom('é', 'İ', 'ß', '\u212a', '٣', '🙂', '𝐀', '\u00a0', 'Ⅻ');

test('the ASCII scan reads the words as the expression and the strings do', () => {
  for (const t of ['', ' ', 'a', '_', '42', 'The the THE', 'have-with/that', 'x_1 Y2z', 'to\u007fbe']) {
    const scan = asciiWordStats(t);
    assert.ok(scan, JSON.stringify(t));
    assert.deepEqual(copy(scan), byStrings(t), JSON.stringify(t));
    assert.deepEqual(copy(regexWordStats(t)), byStrings(t), JSON.stringify(t));
  }
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 200 }), (parts) => {
      const t = parts.join('');
      const scan = asciiWordStats(t);
      assert.ok(scan);
      assert.deepEqual(copy(scan), byStrings(t));
      assert.deepEqual(copy(regexWordStats(t)), byStrings(t));
    }),
    { numRuns: 3000, seed: 14 },
  );
});

test('a text with a unit of 0x80 or above is read by the expression', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(unit, wide), { maxLength: 120 }), wide, fc.nat(), (parts, w, at) => {
      const i = at % (parts.length + 1);
      const t = [...parts.slice(0, i), w, ...parts.slice(i)].join('');
      assert.equal(asciiWordStats(t), null);
      assert.deepEqual(copy(wordStats(t)), byStrings(t));
    }),
    { numRuns: 1500, seed: 6 },
  );
  // 'İ' lower-cases to two units: the prefix sums are of the lower-cased words
  assert.deepEqual(copy(wordStats('İstanbul is big')), byStrings('İstanbul is big'));
});

test('n-grams and stop words are read from the first NGRAM_WORDS words only; counts from all', () => {
  for (const t of [`${'x '.repeat(NGRAM_WORDS)}the Of`, `${'x '.repeat(NGRAM_WORDS - 1)}the Of`]) {
    const scan = asciiWordStats(t);
    assert.ok(scan);
    const want = byStrings(t);
    assert.deepEqual(copy(scan), want);
    assert.equal(scan.count, want.count);
  }
});
