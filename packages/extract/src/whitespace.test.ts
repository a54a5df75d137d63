import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { collapseSpaces, isSpace, longestToken, spaceRuns } from './whitespace.js';

test('isSpace is /\\s/ on every UTF-16 code unit', () => {
  for (let c = 0; c < 0x10000; c++)
    assert.equal(isSpace(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16).padStart(4, '0')}`);
});

/** What the quality signals computed with regular expressions before the scans. */
function longestTokenByRegex(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/\S{40,}/g)) max = Math.max(max, m[0].length);
  if (max) return max;
  for (const t of text.split(/\s+/, 2000)) max = Math.max(max, t.length);
  return max;
}

const unit = fc.constantFrom(
  'a',
  'Z',
  '1',
  '.',
  '-',
  ' ',
  '\n',
  '\t',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  'é',
  '🙂',
);

test('longestToken and spaceRuns agree with the regular expressions they replace', () => {
  const texts = [
    '',
    ' ',
    'a',
    '   lead and trail   ',
    'x'.repeat(39),
    `${'x'.repeat(40)} y`,
    `a ${'y'.repeat(41)}\n${'z'.repeat(45)} b`,
    // the split keeps 2,000 pieces: a long word after them counts only if it reaches 40
    `${'ab '.repeat(2000)}${'w'.repeat(30)}`,
    `${'ab '.repeat(1999)}${'w'.repeat(30)}`,
    ` ${'ab '.repeat(1999)}${'w'.repeat(30)}`,
    `${'ab '.repeat(2000)}${'w'.repeat(40)}`,
    `${'ab\u00a0\u00a0'.repeat(2500)}`,
  ];
  for (const t of texts) {
    assert.equal(longestToken(t), longestTokenByRegex(t), JSON.stringify(t.slice(0, 40)));
    const trimmed = t.trim();
    if (trimmed)
      assert.equal(Math.min(spaceRuns(trimmed, 2), 2), Math.min(trimmed.split(/\s+/).length - 1, 2));
  }
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 300 }), fc.integer({ min: 0, max: 60 }), (s, n) => {
      const t = s.replace(/a/g, 'a'.repeat(n));
      assert.equal(longestToken(t), longestTokenByRegex(t));
      const trimmed = t.trim();
      if (trimmed) assert.equal(spaceRuns(trimmed, 1e9), trimmed.split(/\s+/).length - 1);
    }),
    { numRuns: 2000, seed: 5 },
  );
});

test('collapseSpaces is replace(/\\s+/g, " "), and gives back the text itself when that changes nothing', () => {
  for (const t of ['', ' ', 'a b', 'a  b', ' a', 'a ', 'a\nb', 'a\u00a0b', 'a \u3000b', 'x\ufeff', 'é 🙂 z'])
    assert.equal(collapseSpaces(t), t.replace(/\s+/g, ' '), JSON.stringify(t));
  const single = 'one two, three: four';
  assert.equal(collapseSpaces(single), single);
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 200 }), (s) => {
      assert.equal(collapseSpaces(s), s.replace(/\s+/g, ' '));
    }),
  );
});
