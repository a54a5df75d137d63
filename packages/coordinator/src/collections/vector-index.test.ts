import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '@sward/core';
import { approximateSearchAvailable, bytesToVector, VectorIndex, vectorToBytes } from './vector-index.js';

/** Deterministic pseudo-random values in [-0.5, 0.5), so failures reproduce. */
function rng(seed: number): () => number {
  const r = seededRandom(seed);
  return () => r() - 0.5;
}
const randomVectors = (n: number, dims: number, seed = 1) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dims }, r));
};

describe('VectorIndex', () => {
  test('exact cosine search: order, scores, replace, remove, filter', () => {
    const idx = new VectorIndex({ dimensions: 3 });
    idx.add(1, [1, 0, 0]);
    idx.add(2, [0, 1, 0]);
    idx.add(3, [10, 1, 0]); // length does not matter, direction does
    idx.add(4, [-1, 0, 0]);
    const hits = idx.search([2, 0, 0], 4);
    assert.deepEqual(
      hits.map((h) => h.id),
      [1, 3, 2, 4],
    );
    assert.ok(Math.abs((hits[0]?.score ?? 0) - 1) < 1e-6);
    assert.ok(Math.abs((hits[3]?.score ?? 0) + 1) < 1e-6);
    assert.equal(idx.approximate, false);
    idx.add(1, [0, 0, 1]); // replaces
    assert.equal(idx.size, 4);
    assert.deepEqual(
      idx.search([1, 0, 0], 2).map((h) => h.id),
      [3, 1], // 1 and 2 tie at 0: lower id first
    );
    assert.equal(idx.remove(3), true);
    assert.equal(idx.remove(3), false);
    assert.deepEqual(
      idx.search([1, 0, 0], 2, (id) => id !== 2).map((h) => h.id),
      [1, 4],
    );
  });

  test('exact search returns what a full sort of every score would (ties by id)', () => {
    const r = rng(11);
    const index = new VectorIndex({ dimensions: 8, approximateFrom: Number.POSITIVE_INFINITY });
    const all: { id: number; v: Float32Array }[] = [];
    for (let id = 0; id < 3000; id++) {
      // a few repeated vectors make exact ties
      const v = id % 500 === 0 ? new Float32Array(8).fill(1) : Float32Array.from({ length: 8 }, r);
      all.push({ id, v });
      index.add(id, v);
    }
    for (let n = 0; n < 20; n++) {
      const q = Float32Array.from({ length: 8 }, r);
      const norm = (v: Float32Array) => Math.hypot(...v);
      const expected = all
        .map(({ id, v }) => ({
          id,
          score: v.reduce((s, x, i) => s + x * (q[i] as number), 0) / norm(v) / norm(q),
        }))
        .sort((a, b) => b.score - a.score || a.id - b.id)
        .slice(0, 25)
        .map((h) => h.id);
      const got = index.search(q, 25).map((h) => h.id);
      assert.deepEqual(got, expected);
    }
    const even = index.search(new Float32Array(8).fill(1), 4, (id) => id % 2 === 0).map((h) => h.id);
    assert.deepEqual(even, [0, 500, 1000, 1500]);
  });

  test('bad vectors are refused with the reason', () => {
    const idx = new VectorIndex({ dimensions: 2 });
    assert.throws(() => idx.add(1, [1, 2, 3]), /vector 1 has 3 dimensions, the index has 2/);
    assert.throws(() => idx.add(1, [0, 0]), /all zeros/);
    assert.throws(() => idx.add(1, [Number.NaN, 1]), /non-finite value at 0/);
    assert.throws(() => idx.add(-1, [1, 1]), /non-negative integer/);
    assert.throws(() => idx.search([1], 1), /query vector has 1 dimensions/);
    assert.throws(() => new VectorIndex({ dimensions: 0 }), /positive integer/);
    assert.deepEqual(idx.search([1, 1], 5), []);
  });

  test('usearch loads here (its prebuilt binary ships in the npm package)', () => {
    assert.deepEqual(approximateSearchAvailable(), { available: true, reason: null });
  });

  test('above the threshold an HNSW index answers, with recall close to exact search', () => {
    const dims = 32;
    const data = randomVectors(3000, dims, 7);
    const exact = new VectorIndex({ dimensions: dims, approximateFrom: Number.POSITIVE_INFINITY });
    const ann = new VectorIndex({ dimensions: dims, approximateFrom: 1000 });
    data.forEach((v, i) => {
      exact.add(i, v);
      ann.add(i, v);
    });
    assert.equal(ann.approximate, true);
    assert.equal(exact.approximate, false);
    let found = 0;
    const queries = randomVectors(50, dims, 99);
    for (const q of queries) {
      const truth = new Set(exact.search(q, 10).map((h) => h.id));
      const got = ann.search(q, 10);
      assert.equal(got.length, 10);
      for (let i = 1; i < got.length; i++) assert.ok((got[i - 1]?.score ?? 0) >= (got[i]?.score ?? 0));
      found += got.filter((h) => truth.has(h.id)).length;
    }
    assert.ok(found / 500 >= 0.9, `recall@10 ${found / 500}`);

    // filters still return k hits when enough ids pass them
    const even = ann.search(queries[0] as Float32Array, 10, (id) => id % 7 === 0);
    assert.equal(even.length, 10);
    assert.ok(even.every((h) => h.id % 7 === 0));

    // replaced and removed vectors are honoured by the graph
    ann.add(5, queries[1] as Float32Array);
    assert.equal(ann.search(queries[1] as Float32Array, 1)[0]?.id, 5);
    ann.remove(5);
    assert.notEqual(ann.search(queries[1] as Float32Array, 1)[0]?.id, 5);
    // dropping well below the threshold goes back to exact search
    for (let i = 0; i < 2600; i++) ann.remove(i);
    assert.equal(ann.approximate, false);
    assert.deepEqual(
      ann.search(queries[2] as Float32Array, 5).map((h) => h.id),
      exact.search(queries[2] as Float32Array, 5, (id) => id >= 2600).map((h) => h.id),
    );
  });

  test('vectors round-trip through bytes', () => {
    const v = [0.5, -1.25, 3];
    const b = vectorToBytes(v);
    assert.equal(b.byteLength, 12);
    assert.deepEqual([...bytesToVector(b)], v);
    assert.deepEqual(
      [...bytesToVector(Buffer.concat([Buffer.from([9]), b]).subarray(1))],
      v,
      'unaligned input',
    );
    assert.throws(() => bytesToVector(new Uint8Array(5)), /multiple of 4/);
  });
});
