import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSignalFor, parseContentSignals } from './content-signals.js';
import { longestMatches } from './path-pattern.js';
import { parseRobotsUsage } from './robots-usage.js';

// The Content Signals Policy block as contentsignals.org publishes it (quoted from the copy in the
// google/robotstxt issue #80; the contentsignals.org page itself was not in the search corpus).
const POLICY_ROBOTS = `# As a condition of accessing this website, you agree to abide by
# the following content signals:
# (a) If a content-signal = yes, you may collect content for the
# corresponding use.
# (b) If a content-signal = no, you may not collect content for
# the corresponding use.
# (c) If the website operator does not include a content signal
# for a corresponding use, the website operator neither grants nor
# restricts permission via content signal with respect to the
# corresponding use.
User-Agent: *
Content-Signal: ai-train=no, search=yes, ai-input=yes
Allow: /
`;

const at = (robots: string, path: string, purpose: 'train' | 'input' | 'index') => {
  const verdicts = longestMatches(parseRobotsUsage(robots, 'SwardBot').contentSignals, path).map((r) =>
    contentSignalFor(r.signals, purpose),
  );
  return verdicts.find((v) => v.preference === 'deny') ?? verdicts[0] ?? { preference: 'unknown' };
};

test('contentsignals.org policy: ai-train=no refuses training; search=yes and ai-input=yes grant', () => {
  assert.deepEqual(at(POLICY_ROBOTS, '/any', 'train'), { preference: 'deny', label: 'ai-train=no' });
  assert.deepEqual(at(POLICY_ROBOTS, '/any', 'index'), { preference: 'allow', label: 'search=yes' });
  assert.deepEqual(at(POLICY_ROBOTS, '/any', 'input'), { preference: 'allow', label: 'ai-input=yes' });
});

test('policy (c): a signal left out neither grants nor restricts', () => {
  assert.deepEqual(at('User-agent: *\nContent-Signal: search=yes, ai-train=no\n', '/', 'input'), {
    preference: 'unknown',
  });
});

test('draft-romm-aipref-contentsignals-00 §4 Table 1: the labels search, ai-input and ai-train', () => {
  const parsed = parseContentSignals('search=no, ai-input=no, ai-train=yes');
  assert.deepEqual(parsed.signals, { search: 'no', 'ai-input': 'no', 'ai-train': 'yes' });
  assert.equal(contentSignalFor(parsed, 'index').preference, 'deny');
  assert.equal(contentSignalFor(parsed, 'input').preference, 'deny');
  assert.equal(contentSignalFor(parsed, 'train').preference, 'allow');
});

test('a leading path scopes the signal, matched by the longest path like Content-Usage', () => {
  const robots =
    'User-agent: *\nContent-Signal: search=yes, ai-train=yes\nContent-Signal: /blog/ ai-train=no\n';
  assert.equal(at(robots, '/blog/post', 'train').preference, 'deny');
  assert.equal(at(robots, '/about', 'train').preference, 'allow');
});

test("a signal in another crawler's group is not a signal to SwardBot; one in a SwardBot group is", () => {
  const other = 'User-agent: googlebot\nContent-Signal: ai-input=no\n\nUser-agent: *\nAllow: /\n';
  assert.equal(at(other, '/', 'input').preference, 'unknown');
  const ours =
    'User-agent: Claude-User\nUser-agent: SwardBot\nContent-Signal: ai-input=no\n\nUser-agent: *\nContent-Signal: ai-input=yes\n';
  assert.equal(at(ours, '/', 'input').preference, 'deny');
});

test('malformed entries are ignored and reported, never thrown; a repeated signal keeps its "no"', () => {
  const parsed = parseContentSignals(
    'ai-train = maybe, ai_train=no, , SEARCH=YES, ai-input=no, ai-input=yes, junk',
  );
  assert.deepEqual(parsed.signals, { search: 'yes', 'ai-input': 'no' });
  assert.deepEqual(parsed.ignored, ['ai-train = maybe', 'ai_train=no', 'junk']);
});
