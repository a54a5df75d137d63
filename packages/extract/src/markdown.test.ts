import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import fc from 'fast-check';
import type TurndownService from 'turndown';
import { unescaped } from './markdown.js';

const Turndown = createRequire(import.meta.url)('turndown') as typeof TurndownService;
const turndownEscape = (s: string) => new Turndown().escape(s);

const unit = fc.constantFrom(
  'a',
  'Z',
  ' ',
  '\n',
  '.',
  '. ',
  '1',
  '0',
  '\\',
  '*',
  '-',
  '+',
  '+ ',
  '=',
  '#',
  '# ',
  '`',
  '~',
  '~~~',
  '[',
  ']',
  '>',
  '_',
  '(',
  '!',
  '|',
  'é',
  '٣',
  '１',
);

test("a text unescaped() passes is turndown's escape unchanged", () => {
  for (const t of ['', 'plain words, and more.', 'x - y', 'a # b', 'a+b=c > d ~ e', 'é٣１'])
    assert.ok(unescaped(t) && turndownEscape(t) === t, JSON.stringify(t));
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 30 }), (parts) => {
      const t = parts.join('');
      if (unescaped(t)) assert.equal(turndownEscape(t), t);
    }),
    { numRuns: 5000, seed: 18 },
  );
  // what it refuses: each character the expressions match anywhere, and each they match at the start
  for (const t of ['a\\b', 'a*b', 'a`b', 'a[b', 'a]b', 'a_b', '-a', '+ a', '=a', '# a', '~~~a', '>a', '1. a'])
    assert.equal(unescaped(t), false, t);
});
