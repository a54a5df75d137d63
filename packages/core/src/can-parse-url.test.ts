import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { canParseUrl } from './can-parse-url.js';

const parses = (input: string, base?: string): boolean => {
  try {
    new URL(input, base);
    return true;
  } catch {
    return false;
  }
};

// Non-ASCII one-byte text (U+0080–U+00FF) around URL punctuation: where Node 20's optimised URL.canParse
// reads the string's Latin-1 bytes as UTF-8.
const latin1Url = fc
  .tuple(
    fc.constantFrom('http://', 'https://', 'https://example.org/', 'http://a.example/?q='),
    fc.string({
      unit: fc.oneof(
        fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
        fc.constantFrom(...'ab.:/%-_'),
      ),
      minLength: 1,
      maxLength: 12,
    }),
  )
  .map(([head, tail]) => head + tail);

test('canParseUrl gives new URL’s answer on non-ASCII text, also once its callers are optimised', () => {
  // Warm up: thousands of ASCII calls, so V8 optimises canParseUrl and this loop (Node 20's fault shows then).
  for (let i = 0; i < 20_000; i++) assert.equal(canParseUrl(`https://example.org/${i}`), true);
  for (const s of [
    'http://\u00d9\u00a8',
    'http://\u00df...',
    'https://b\u00fccher.example/',
    'http://\u00fc/',
  ])
    assert.equal(canParseUrl(s), parses(s), JSON.stringify(s));
  fc.assert(
    fc.property(latin1Url, (s) => canParseUrl(s) === parses(s)),
    { numRuns: 20_000 },
  );
});

test('canParseUrl with a base, ASCII and not', () => {
  for (let i = 0; i < 5_000; i++) assert.equal(canParseUrl('/a', 'https://example.org/'), true);
  assert.equal(canParseUrl('/a', 'not a url'), false);
  assert.equal(canParseUrl('/\u00e9', 'https://b\u00fccher.example/'), true);
  assert.equal(
    canParseUrl('//\u00d9\u00a8', 'https://example.org/'),
    parses('//\u00d9\u00a8', 'https://example.org/'),
  );
  assert.equal(canParseUrl('x', 'http://\u00d9\u00a8'), false);
});

test('importing it puts the safe version in URL.canParse, so zod’s url() gives the same answer hot or cold', () => {
  const url = z.url();
  const zodSays = (s: string) => url.safeParse(s).success;
  for (let i = 0; i < 20_000; i++) {
    assert.equal(URL.canParse(`https://example.org/${i}`), true);
    assert.equal(zodSays(`https://example.org/${i}`), true);
  }
  for (const s of ['http://\u00d9\u00a8', 'https://b\u00fccher.example/', 'http://\u00fc/']) {
    assert.equal(URL.canParse(s), parses(s), `URL.canParse(${JSON.stringify(s)})`);
    assert.equal(zodSays(s), parses(s), `z.url() of ${JSON.stringify(s)}`);
  }
  // The native one's argument handling: made strings, a base.
  assert.equal(URL.canParse(new URL('https://example.org/') as unknown as string), true);
  assert.equal(URL.canParse('/a', 'https://example.org/'), true);
  assert.equal(URL.canParse('/a'), false);
});
