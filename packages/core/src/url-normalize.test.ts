import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeUrl } from './url-normalize.js';

const cases: [input: string, base: string | undefined, expected: string | null][] = [
  ['http://example.com', undefined, 'http://example.com/'],
  ['HTTP://EXAMPLE.COM/About', undefined, 'http://example.com/About'],
  ['https://Example.com:443/a', undefined, 'https://example.com/a'],
  ['http://example.com:80/a', undefined, 'http://example.com/a'],
  ['http://example.com:8080/a', undefined, 'http://example.com:8080/a'],
  ['https://example.com:80/a', undefined, 'https://example.com:80/a'],
  ['http://example.com/a#section', undefined, 'http://example.com/a'],
  ['http://example.com/a/#', undefined, 'http://example.com/a/'],
  ['http://example.com/a/', undefined, 'http://example.com/a/'],
  ['http://example.com/a/b/../c/./d', undefined, 'http://example.com/a/c/d'],
  ['http://example.com/a/%2e%2E/b', undefined, 'http://example.com/b'],
  ['http://example.com/?b=2&a=1', undefined, 'http://example.com/?a=1&b=2'],
  ['http://example.com/?a=2&a=1&A=0', undefined, 'http://example.com/?A=0&a=2&a=1'],
  ['http://example.com/x?', undefined, 'http://example.com/x'],
  ['http://example.com/x?&&', undefined, 'http://example.com/x'],
  ['http://example.com/x?b=&a', undefined, 'http://example.com/x?a&b='],
  ['http://example.com/%7euser/%41%62c', undefined, 'http://example.com/~user/Abc'],
  ['http://example.com/a%2fb%3f', undefined, 'http://example.com/a%2Fb%3F'],
  ['http://example.com/?q=%7e%20x', undefined, 'http://example.com/?q=~%20x'],
  ['http://example.com/caf\u00e9', undefined, 'http://example.com/caf%C3%A9'],
  ['http://B\u00fccher.example/', undefined, 'http://xn--bcher-kva.example/'],
  ['  http://example.com/a  ', undefined, 'http://example.com/a'],
  ['http://user:pw@example.com/', undefined, 'http://user:pw@example.com/'],
  ['../c?z=1&y=2#top', 'http://example.com/a/b/', 'http://example.com/a/c?y=2&z=1'],
  ['//OTHER.example/x', 'https://example.com/', 'https://other.example/x'],
  ['/p', 'http://EXAMPLE.com:80/q', 'http://example.com/p'],
  ['#frag', 'http://example.com/page', 'http://example.com/page'],
  ['mailto:someone@example.com', undefined, null],
  ['javascript:alert(1)', 'http://example.com/', null],
  ['data:text/plain,hi', undefined, null],
  ['ftp://example.com/file', undefined, null],
  ['tel:+123', 'http://example.com/', null],
  ['not a url', undefined, null],
  ['relative/only', undefined, null],
  ['http://', undefined, null],
];

test('normalizeUrl table', () => {
  for (const [input, base, expected] of cases) {
    assert.equal(normalizeUrl(input, base), expected, `${input} (base ${base})`);
  }
});

test('normalisation is idempotent', () => {
  for (const [input, base, expected] of cases) {
    if (expected === null) continue;
    assert.equal(normalizeUrl(expected), expected, `${input} (base ${base})`);
  }
});

test('duplicate forms of one link collapse to one key', () => {
  const forms = [
    'http://Example.COM/news/item?id=5&lang=en#comments',
    'http://example.com:80/news/./item?lang=en&id=5',
    'HTTP://example.com/news/x/../item?lang=en&id=5#',
    '/news/%69tem?id=5&lang=en',
  ];
  const keys = new Set(forms.map((f) => normalizeUrl(f, 'http://example.com/')));
  assert.deepEqual([...keys], ['http://example.com/news/item?id=5&lang=en']);
});
