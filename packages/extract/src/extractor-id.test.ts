import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EXTRACTOR } from './extractor-id.js';

test('the extractor id documents carry is the package name and version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(EXTRACTOR, { name: pkg.name, version: pkg.version });
});
