import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

const P = '<p>This is a real paragraph of text, long enough to count as content for the extractor.</p>';

test('empty and whitespace-only input give an empty document with a reason', () => {
  for (const input of ['', '   \n ', new Uint8Array(0)]) {
    const d = extract(input);
    assert.equal(d.text, '');
    assert.equal(d.reason, 'empty-input');
  }
});

test('binary input is refused with a reason, not parsed', () => {
  const bytes = new Uint8Array(20000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  const d = extract(bytes);
  assert.equal(d.text, '');
  assert.equal(d.reason, 'binary-input');
});

test('truncated HTML gives the partial content', () => {
  const html = `<html><body><article>${P.repeat(5)}<p>And this paragraph is cut off in the mid`;
  const d = extract(html);
  assert.ok(d.text.includes('real paragraph'));
  assert.ok(d.text.includes('cut off in the mid'));
});

test('a 12 MB page is cut to the limit with a warning and still extracts', () => {
  const html = `<html><body><article>${P.repeat(140_000)}</article></body></html>`;
  assert.ok(html.length > 12_000_000);
  const d = extract(html);
  assert.ok(d.warnings.includes('truncated-input'));
  assert.ok(d.wordCount > 100_000);
});

test('100k nested divs are flattened, not a stack overflow', () => {
  const n = 100_000;
  const html = `<html><body>${'<div>'.repeat(n)}${P}${'</div>'.repeat(n)}</body></html>`;
  const d = extract(html);
  assert.ok(d.warnings.includes('deeply-nested'));
  assert.ok(d.text.includes('real paragraph'), d.text.slice(0, 200));
});

test('non-UTF-8 bytes without a declared charset decode with replacement characters', () => {
  const bytes = Buffer.concat([
    Buffer.from('<html><body><article>'),
    Buffer.from(P.repeat(3)),
    Buffer.from([0xff, 0xfe, 0x80]),
    Buffer.from('</article></body></html>'),
  ]);
  const d = extract(bytes);
  assert.ok(d.warnings.includes('invalid-utf8'));
  assert.ok(d.text.includes('real paragraph'));
});

test('odd inputs never throw', () => {
  const odd = [
    '<',
    '<html',
    '<!-- unterminated',
    '<script>while(1){}',
    '<body><p>x</p>',
    '\u0000'.repeat(10),
    '<svg><svg><svg>',
    '<table><td>a<td>b',
  ];
  for (const s of odd) assert.doesNotThrow(() => extract(s, { url: 'not a url' }));
  assert.doesNotThrow(() => extract(null as unknown as string));
});

test('a fragment without <html>/<body>, or bare text, still gives its text', () => {
  const d = extract('<p>Just a fragment of text with a few words in it, nothing else.</p>');
  assert.equal(d.text, 'Just a fragment of text with a few words in it, nothing else.');
  assert.equal(extract('plain words, no tags at all').text, 'plain words, no tags at all');
});

// Pathological shapes (issue 18 point 6), at sizes that keep the suite quick; the timed, full-size versions
// are in bench/extract-pathological-bench.ts (no timing assertions here).
const PATHOLOGICAL: Record<string, string> = {
  'huge table (2k rows x 10 cells)': `<html><body><table>${Array.from({ length: 2_000 }, (_, r) => `<tr>${Array.from({ length: 10 }, (_, c) => `<td>r${r}c${c} 555-123-${String(r).padStart(4, '0')}</td>`).join('')}</tr>`).join('')}</table></body></html>`,
  'megabyte attributes (3 x 1 MB)': `<html><body><div data-x="${'a'.repeat(1_000_000)}" class="${'post '.repeat(200_000)}"><p style="${'x:y;'.repeat(250_000)}">The text, with a paragraph long enough to count as the article, and commas, and words.</p></div></body></html>`,
  'digits, dots and at-signs (PII scanners)': `<html><body><article><p>${'1.2.3.4 4111 1111 1111 1111 +1 (555) 123-4567 a@b.io '.repeat(3_000)}</p></article></body></html>`,
};

for (const [name, html] of Object.entries(PATHOLOGICAL)) {
  test(`pathological page: ${name} gives a document, not a hang or a throw`, () => {
    const d = extract(html);
    assert.equal(d.reason, null);
    assert.ok(d.text.length > 0);
  });
}
