import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crawlRequestSchema, jobPurpose } from './crawl-wire.js';

test('a crawl declares its purpose: train by default, search as index, anything else refused by name', () => {
  const parse = (purpose?: string) =>
    crawlRequestSchema.parse({ seed: 'https://example.org/', ...(purpose ? { purpose } : {}) });
  assert.equal(parse().purpose, undefined, 'stored as given: a job without one reads as it ran');
  assert.equal(jobPurpose(parse(), null), 'train');
  assert.equal(parse('index').purpose, 'index');
  assert.equal(parse('search').purpose, 'index');
  assert.equal(parse('input').purpose, 'input');
  const bad = crawlRequestSchema.safeParse({ seed: 'https://example.org/', purpose: 'sell' });
  assert.ok(!bad.success);
  assert.deepEqual(bad.error.issues[0]?.path, ['purpose']);
  // A live collection's refresh is an input job whatever its options say.
  assert.equal(jobPurpose(parse('train'), 'col_1'), 'input');
});
