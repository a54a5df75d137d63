import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longestMatches, patternMatchLength } from './path-pattern.js';

// RFC 9309 §2.2.3 examples of special characters, and §2.2.2 longest match.
const cases: [pattern: string, path: string, matches: boolean][] = [
  ['/fish', '/fish', true],
  ['/fish', '/fish.html', true],
  ['/fish', '/fishheads/yummy.html', true],
  ['/fish', '/Fish.asp', false],
  ['/*.php', '/index.php', true],
  ['/*.php', '/filename.php?parameters', true],
  ['/*.php', '/windows.PHP', false],
  ['/*.php$', '/filename.php', true],
  ['/*.php$', '/filename.php?parameters', false],
  ['/fish*.php', '/fish.php', true],
  ['/fish*.php', '/fishheads/catfish.php?parameters', true],
  ['/fish*.php', '/Fish.PHP', false],
  ['/a*b*c$', '/axxbyyc', true],
  ['/a*b*c$', '/axxbyycz', false],
  ['/a*c$', '/ac', true],
  ['/ab*b$', '/ab', false],
  ['', '/anything', true],
  ['/caf\u00e9', '/caf%c3%a9/x', true],
];

for (const [pattern, path, matches] of cases) {
  test(`"${pattern}" ${matches ? 'matches' : 'does not match'} "${path}"`, () => {
    assert.equal(patternMatchLength(pattern, path) !== null, matches);
  });
}

test('the longest matching pattern wins and ties are all returned', () => {
  const rules = [{ path: '' }, { path: '/a/' }, { path: '/a/*' }, { path: '/b/' }];
  assert.deepEqual(longestMatches(rules, '/a/x'), [{ path: '/a/*' }]);
  assert.deepEqual(longestMatches(rules, '/c'), [{ path: '' }]);
  assert.deepEqual(longestMatches([{ path: '/a*' }, { path: '/ab' }], '/abc'), [
    { path: '/a*' },
    { path: '/ab' },
  ]);
});

test('a pattern of many stars against a long path answers (no backtracking blow-up)', () => {
  const pattern = `/${'a*'.repeat(40)}b$`;
  assert.equal(patternMatchLength(pattern, `/${'a'.repeat(20_000)}`), null);
  assert.equal(patternMatchLength(pattern, `/${'a'.repeat(20_000)}b`), pattern.length);
});
