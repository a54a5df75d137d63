import assert from 'node:assert/strict';
import { test } from 'node:test';
import { licenceOf, robotsUsageOf } from './usage-rights.js';

// Two stores in one process (an embedded coordinator and a test's second backend) number their policy
// documents alike: the parse caches must never answer one site's rules for another's document.
test("robots.txt usage rules cached by document id are never another store's document of that id", () => {
  const open = robotsUsageOf(4242, 'User-agent: *\nAllow: /\n');
  assert.equal(open?.contentSignals.length ?? 0, 0);
  const strict = robotsUsageOf(4242, 'User-agent: *\nContent-Signal: /signals/ ai-train=no\nAllow: /\n');
  assert.ok(strict && strict.contentSignals.length > 0, 'the second text is parsed, not the cached first');
  assert.equal(robotsUsageOf(4242, 'User-agent: *\nAllow: /\n')?.contentSignals.length ?? 0, 0);
});

test("an RSL licence cached by document id is never another store's licence of that id", () => {
  const none = licenceOf({ id: 4243, body: 'not a licence' });
  assert.equal(typeof none, 'string');
  const other = licenceOf({ id: 4243, body: '<rsl><content url="/"></content></rsl>' });
  assert.notEqual(other, none, 'the second text is parsed, not the cached first');
});
