import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PackOffsets } from './pack-offsets.js';

const sha = (i: number) => createHash('sha256').update(`body ${i}`).digest('hex');

test('the pack offsets live in a scratch file: every body found at its first offset, the file gone on close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-offsets-'));
  const path = join(dir, 'build.offsets.sqlite');
  // What a build that died left behind: never read as this build's offsets.
  writeFileSync(path, 'stale');
  const offsets = new PackOffsets(path);
  try {
    const n = 5000;
    for (let i = 0; i < n; i++) {
      assert.equal(offsets.get(sha(i)), undefined);
      offsets.set(sha(i), i * 2048);
    }
    // Past several commits (one a thousand bodies), every entry is where it was put.
    for (let i = 0; i < n; i += 7) assert.equal(offsets.get(sha(i)), i * 2048);
    assert.equal(offsets.size, n);
    assert.ok(statSync(path).size > n * 32, 'the entries are in the file, not in memory');
    // A second copy of a body is a caller's error, not a silent second offset.
    assert.throws(() => offsets.set(sha(3), 1));
    assert.equal(offsets.get(sha(3)), 3 * 2048);
    // A key that is not a hash is refused rather than truncated into another body's key.
    assert.throws(() => offsets.get('zz'), /not a SHA-256/);
  } finally {
    offsets.close();
  }
  assert.equal(existsSync(path), false);
  rmSync(dir, { recursive: true, force: true });
});
