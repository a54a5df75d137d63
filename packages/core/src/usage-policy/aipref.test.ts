import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aiprefFor, combineAiprefVerdicts, parseAiprefStatement } from './aipref.js';
import { longestMatches } from './path-pattern.js';
import { parseRobotsUsage } from './robots-usage.js';

// Examples quoted from draft-ietf-aipref-vocab-08 (editor's copy in ietf-wg-aipref/drafts) and
// draft-ietf-aipref-attach-05 (same repository), section numbers as in those revisions.

test('vocab-08 §6: "train-ai=y, search=n" allows training and disallows search; ai-use stays unknown', () => {
  const s = parseAiprefStatement('train-ai=y, search=n');
  assert.deepEqual(aiprefFor(s, 'train'), { preference: 'allow', label: 'train-ai=y' });
  assert.deepEqual(aiprefFor(s, 'index'), { preference: 'deny', label: 'search=n' });
  assert.deepEqual(aiprefFor(s, 'input'), { preference: 'unknown' });
});

test('vocab-08 §6.5.1: "train-ai=y, train-ai, search=n, search=\\"n\\"" leaves every preference unknown', () => {
  // "the following results in all preferences being unknown, because the type of the parameter values
  // (a boolean and a string respectively) are not tokens"
  const s = parseAiprefStatement('train-ai=y, train-ai, search=n, search="n"');
  assert.deepEqual(s.prefs, {});
  for (const p of ['train', 'input', 'index'] as const) assert.equal(aiprefFor(s, p).preference, 'unknown');
});

test('vocab-08 §6.5.2: "train-ai;allow=n, train-ai=y" carries no parameters and allows', () => {
  assert.equal(aiprefFor(parseAiprefStatement('train-ai;allow=n, train-ai=y'), 'train').preference, 'allow');
  // "the following train-ai preference has parameters even though the preference is unknown"
  assert.equal(
    aiprefFor(parseAiprefStatement('train-ai;has;parameters="?";'), 'train').preference,
    'unknown',
  );
});

test('vocab-08 §6.5.1: a Dictionary that fails to parse, uppercase keys included, means unknown, not an error', () => {
  for (const bad of ['Train-AI=n', 'train-ai=n,,', '=n', 'train-ai=n;', '\u00e9=n']) {
    const s = parseAiprefStatement(bad);
    assert.deepEqual(s.prefs, {}, bad);
    assert.match(s.problem ?? '', /not an RFC 9651 dictionary/, bad);
  }
});

test('vocab-08 §6.4: unknown labels and values other than the tokens y/n are ignored', () => {
  const s = parseAiprefStatement('future-use=n, train-ai=maybe, search=?1, ai-use=n');
  assert.deepEqual(s.prefs, { 'ai-use': 'n' });
  assert.equal(aiprefFor(s, 'input').preference, 'deny');
});

test('legacy labels (Sward policy): an earlier draft\'s "no" still restricts, its "yes" grants nothing', () => {
  assert.deepEqual(aiprefFor(parseAiprefStatement('all=n'), 'index'), { preference: 'deny', label: 'all=n' });
  assert.deepEqual(aiprefFor(parseAiprefStatement('train-genai=n, search=y'), 'train'), {
    preference: 'deny',
    label: 'train-genai=n',
  });
  assert.equal(aiprefFor(parseAiprefStatement('bots=y'), 'train').preference, 'unknown');
  // vocab-03 hierarchy: an explicit child does not undo the parent's "no" for Sward, most restrictive wins.
  assert.equal(aiprefFor(parseAiprefStatement('bots=n, train-ai=y'), 'train').preference, 'deny');
});

test('vocab-08 §5.1 combining: any disallow wins, then any allow, else unknown', () => {
  const v = (t: string) => aiprefFor(parseAiprefStatement(t), 'train');
  assert.equal(combineAiprefVerdicts([v('train-ai=y'), v('train-ai=n')]).preference, 'deny');
  assert.equal(combineAiprefVerdicts([v('train-ai=y'), v('search=n')]).preference, 'allow');
  assert.equal(combineAiprefVerdicts([v('search=n')]).preference, 'unknown');
  assert.equal(combineAiprefVerdicts([]).preference, 'unknown');
});

test('attach-05 §1.2 header example "Content-Usage: train-ai=n"', () => {
  assert.equal(aiprefFor(parseAiprefStatement('train-ai=n'), 'train').preference, 'deny');
});

// attach-05 §3.4 Figure "Example robots.txt file" and Table "Sample of usage preferences".
const ATTACH_EXAMPLE = [
  'User-Agent: *',
  'Allow: /',
  'Disallow: /never/',
  'Content-Usage: train-ai=n',
  'Content-Usage: /ai-ok/ train-ai=y',
  '',
  'User-Agent: ExampleBot',
  'Allow: /',
  'Content-Usage: train-ai=y',
].join('\n');

const trainPrefAt = (robots: string, agent: string, path: string) =>
  combineAiprefVerdicts(
    longestMatches(parseRobotsUsage(robots, agent).contentUsage, path).map((r) =>
      aiprefFor(r.statement, 'train'),
    ),
  ).preference;

test('attach-05 §3.4: other crawlers get train-ai=n on /test and train-ai=y under /ai-ok/', () => {
  assert.equal(trainPrefAt(ATTACH_EXAMPLE, 'SwardBot', '/test'), 'deny');
  assert.equal(trainPrefAt(ATTACH_EXAMPLE, 'SwardBot', '/ai-ok/test'), 'allow');
  // "/never/test | no | N/A": crawling is refused by Disallow, which robots-parser decides upstream;
  // the usage rule that would match is still the path-less one.
  assert.equal(trainPrefAt(ATTACH_EXAMPLE, 'SwardBot', '/never/test'), 'deny');
});

test('attach-05 §3.4: "A crawler that identifies as ExampleBot uses the second group"', () => {
  assert.equal(trainPrefAt(ATTACH_EXAMPLE, 'examplebot', '/test'), 'allow');
  assert.equal(trainPrefAt(ATTACH_EXAMPLE, 'ExampleBot', '/ai-ok/test'), 'allow');
});

test('attach-05 §3.1: identical paths with conflicting preferences combine, unlike Allow/Disallow', () => {
  const robots = 'User-agent: *\nContent-Usage: /a/ train-ai=y\nContent-Usage: /a/ train-ai=n\n';
  assert.equal(trainPrefAt(robots, 'SwardBot', '/a/page'), 'deny');
});

test('attach-05 §3.2: the path ends at SP or HTAB, the value ends at "#", and rules may interleave', () => {
  const robots =
    'User-agent: *\nAllow: /\nContent-Usage:\t/x/\ttrain-ai=n # a comment, search=n\nDisallow: /y\n';
  const [rule] = parseRobotsUsage(robots, 'SwardBot').contentUsage;
  assert.equal(rule?.path, '/x/');
  assert.deepEqual(rule?.statement.prefs, { 'train-ai': 'n' });
});

test('attach-05 §3.1: a path is matched like Allow/Disallow, with * and $ (RFC 9309 §2.2.3)', () => {
  const robots = 'User-agent: *\nContent-Usage: /*.pdf$ train-ai=n\nContent-Usage: train-ai=y\n';
  assert.equal(trainPrefAt(robots, 'SwardBot', '/docs/a.pdf'), 'deny');
  assert.equal(trainPrefAt(robots, 'SwardBot', '/docs/a.pdf?x=1'), 'allow');
  assert.equal(trainPrefAt(robots, 'SwardBot', '/docs/a.html'), 'allow');
});

test('a group for another crawler, or a malformed rule, says nothing to SwardBot', () => {
  const robots =
    'User-agent: OtherBot\nContent-Usage: train-ai=n\n\nUser-agent: *\nContent-Usage: /x/ Train-AI=n\n';
  assert.equal(trainPrefAt(robots, 'SwardBot', '/x/1'), 'unknown');
});
