import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deduplicator } from './dedup.js';
import { type DedupStore, MemoryDedupStore } from './dedup-store.js';
import { ExtractError } from './errors.js';
import { KeyTable } from './key-table.js';
import { lshParams } from './minhash.js';

// a deterministic pseudo-random article so tests do not depend on fixtures
function article(seed: number, words = 300): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822519) + 0x6d2b79f5) >>> 0;
    out.push(`w${x % 5000}`);
  }
  return out.join(' ');
}

test('exact duplicates are found after normalisation (case, punctuation, spacing)', () => {
  const d = new Deduplicator();
  assert.deepEqual(d.check('a', 'Hello, World!  This is   a test page.'), { duplicate: false });
  assert.deepEqual(d.check('b', 'hello world this is a TEST page'), {
    duplicate: true,
    kind: 'exact',
    of: 'a',
    similarity: 1,
  });
});

test('near duplicates above the threshold are reported with the kept id; different texts are not', () => {
  const d = new Deduplicator();
  const base = article(1);
  assert.equal(d.check('orig', base).duplicate, false);
  const words = base.split(' ');
  words[150] = 'changed';
  words[10] = 'edited';
  const r = d.check('copy', words.join(' '));
  assert.equal(r.duplicate, true);
  if (r.duplicate) {
    assert.equal(r.kind, 'near');
    assert.equal(r.of, 'orig');
    assert.ok(r.similarity >= 0.8 && r.similarity < 1, String(r.similarity));
  }
  assert.equal(d.check('other', article(2)).duplicate, false);
  // half the text replaced: Jaccard well below 0.8
  const half = [...base.split(' ').slice(0, 150), ...article(3, 150).split(' ')].join(' ');
  assert.equal(d.check('half', half).duplicate, false);
  assert.deepEqual(d.counts, { checked: 4, exact: 0, near: 1 });
});

test('the threshold is configurable and LSH parameters follow it', () => {
  const lo = lshParams(0.5, 128);
  const hi = lshParams(0.9, 128);
  assert.ok(lo.bands > hi.bands && lo.rows < hi.rows);
  const d = new Deduplicator({ threshold: 0.5 });
  const base = article(4);
  d.check('x', base);
  const mixed = [...base.split(' ').slice(0, 220), ...article(5, 80).split(' ')].join(' ');
  assert.equal(d.check('y', mixed).duplicate, true);
  assert.throws(
    () => new Deduplicator({ threshold: 1.5 }),
    (e: unknown) => e instanceof ExtractError && e.code === 'BAD_OPTION',
  );
});

test('the 64-bit key table keeps every slot of a key across growth', () => {
  const t = new KeyTable(16);
  for (let i = 0; i < 5000; i++) t.add(BigInt(i % 1000) * 0x1_0000_0001n, i);
  assert.deepEqual(
    t.get(7n * 0x1_0000_0001n).sort((a, b) => a - b),
    [7, 1007, 2007, 3007, 4007],
  );
  assert.deepEqual(t.get(123456789n), []);
  assert.equal(t.size, 5000);
});

test('a custom store sees every kept document and every duplicate record', () => {
  const records: string[] = [];
  const inner = new MemoryDedupStore(128);
  const store: DedupStore = {
    findExact: (k) => inner.findExact(k),
    candidates: (k) => inner.candidates(k),
    add: (id, k, b, s) => {
      records.push(`kept ${id}`);
      inner.add(id, k, b, s);
    },
    recordDuplicate: (id, of, kind) => records.push(`${id} ${kind} of ${of}`),
    get size() {
      return inner.size;
    },
  };
  const d = new Deduplicator({ store });
  d.check('a', article(7));
  d.check('b', article(7));
  d.check('c', `${article(7)} tail`);
  assert.deepEqual(records, ['kept a', 'b exact of a', 'c near of a']);
});
