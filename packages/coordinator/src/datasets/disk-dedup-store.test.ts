import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Deduplicator } from '@sward/extract';
import { DiskDedupStore } from './disk-dedup-store.js';

test('the on-disk dedup index finds the same exact and near duplicates as the in-memory one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-dedup-'));
  const store = new DiskDedupStore(join(dir, 'dedup.sqlite'), 128);
  try {
    const disk = new Deduplicator({ threshold: 0.8, store });
    const memory = new Deduplicator({ threshold: 0.8 });
    const base = Array.from({ length: 300 }, (_, i) => `word${i % 97} token${(i * 7) % 31}`).join(' ');
    const docs: [string, string][] = [];
    for (let i = 0; i < 60; i++) {
      const kind = i % 3;
      const text =
        kind === 0
          ? `${base} unique${i} ${Array.from({ length: 200 }, (_, j) => `x${i}y${j}`).join(' ')}`
          : kind === 1
            ? `${base} unique${i - 1} ${Array.from({ length: 200 }, (_, j) => `x${i - 1}y${j}`).join(' ')}`
            : `${base} unique${i - 2} ${Array.from({ length: 195 }, (_, j) => `x${i - 2}y${j}`).join(' ')} tail`;
      docs.push([`d${i}`, text]);
    }
    const results = docs.map(([id, text]) => [disk.check(id, text), memory.check(id, text)]);
    for (const [d, m] of results) assert.deepEqual(d, m);
    assert.ok(results.some(([d]) => d?.duplicate && d.kind === 'exact'));
    assert.ok(results.some(([d]) => d?.duplicate && d.kind === 'near'));
    assert.equal(store.size, memory.store.size);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
