import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linesForAgent, parseRobotsLines, ROBOTS_PARSE_LIMIT } from './robots-groups.js';

const keys = (txt: string, agent = 'SwardBot') =>
  linesForAgent(parseRobotsLines(txt), agent).map((l) => `${l.key}=${l.value}`);

test('RFC 9309 §2.2.1: consecutive user-agent lines share a group; a user-agent after rules starts a new one', () => {
  const txt =
    'User-agent: A\nuser-agent: swardbot\nContent-Usage: train-ai=n\nUser-agent: B\nContent-Usage: search=n\n';
  assert.deepEqual(keys(txt), ['content-usage=train-ai=n']);
  assert.deepEqual(keys(txt, 'B'), ['content-usage=search=n']);
});

test('RFC 9309 §2.2.1: every group naming the crawler is merged; `*` only when none does', () => {
  const txt =
    'User-agent: *\nContent-Signal: ai-train=yes\n\nUser-agent: SwardBot\nContent-Usage: a=y\n\nUser-agent: SwardBot\nContent-Usage: b=y\n';
  assert.deepEqual(keys(txt), ['content-usage=a=y', 'content-usage=b=y']);
  assert.deepEqual(keys(txt, 'OtherBot'), ['content-signal=ai-train=yes']);
  assert.deepEqual(keys('Content-Usage: train-ai=n\n'), []);
});

test('RFC 9309 §2.2.4: other records (Sitemap, blank lines, comments, CRLF) do not end a group', () => {
  const txt =
    'User-agent: *\r\n\r\n# note\r\nSitemap: https://a.example/s.xml\r\nContent-Usage: train-ai=n # why\r\n';
  assert.deepEqual(keys(txt), ['sitemap=https://a.example/s.xml', 'content-usage=train-ai=n']);
});

test('RFC 9309 §2.5: nothing after the first 500 KiB is read', () => {
  const txt = `User-agent: *\n#${'x'.repeat(ROBOTS_PARSE_LIMIT)}\nContent-Usage: train-ai=n\n`;
  assert.deepEqual(keys(txt), []);
});
