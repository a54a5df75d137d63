import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackDigests } from './pack-digests.js';

test('a pack digest is served only for the same job and the same body list', () => {
  const packs = new PackDigests();
  const digest = { sha256: 'a'.repeat(64), size: 10 };
  packs.set('j1', 'list-1', digest);
  assert.deepEqual(packs.get('j1', 'list-1'), digest);
  assert.equal(packs.get('j1', 'list-2'), undefined, 'another body list: not this pack');
  assert.equal(packs.get('j2', 'list-1'), undefined);
  packs.set('j1', 'list-2', { sha256: 'b'.repeat(64), size: 11 });
  assert.equal(packs.get('j1', 'list-1'), undefined, 'replaced, not kept beside');
});

test('at most `max` jobs are kept, the least recently used dropped first', () => {
  const packs = new PackDigests(2);
  const d = { sha256: 'c'.repeat(64), size: 1 };
  packs.set('j1', 'l', d);
  packs.set('j2', 'l', d);
  assert.ok(packs.get('j1', 'l'));
  packs.set('j3', 'l', d);
  assert.equal(packs.get('j2', 'l'), undefined);
  assert.ok(packs.get('j1', 'l'));
  assert.ok(packs.get('j3', 'l'));
});
