import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crawlRequestSchema } from '@sward/core';
import { crawlScope } from './scope.js';

test('scope defaults to the seed host and honours include/exclude globs', () => {
  const base = crawlRequestSchema.parse({ seed: 'http://a.test/' });
  const s = crawlScope(base);
  assert.equal(s('http://a.test/x/y'), true);
  assert.equal(s('http://b.test/x'), false);
  const f = crawlScope({ ...base, include: ['http://a.test/blog/**'], exclude: ['**/*.pdf'] });
  assert.equal(f('http://a.test/blog/2024/post'), true);
  assert.equal(f('http://a.test/about'), false);
  assert.equal(f('http://a.test/blog/file.pdf'), false);
});
