import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  lshParams,
  minhashSignature,
  normalizeWords,
  permutationSeeds,
  shingleHashes,
  signatureSimilarity,
} from './minhash.js';

test('signature similarity estimates the Jaccard similarity of 5-gram shingles', () => {
  const words = Array.from({ length: 400 }, (_, i) => `w${(i * 7919) % 1000}`);
  const other = [...words.slice(0, 300), ...Array.from({ length: 100 }, (_, i) => `z${i}`)];
  const a = shingleHashes(words);
  const b = shingleHashes(other);
  const setA = new Set(a);
  const inter = [...b].filter((x) => setA.has(x)).length;
  const jaccard = inter / (a.length + b.length - inter);
  const seeds = permutationSeeds(256);
  const est = signatureSimilarity(minhashSignature(a, seeds), minhashSignature(b, seeds));
  assert.ok(Math.abs(est - jaccard) < 0.08, `estimate ${est} vs true ${jaccard}`);
  // the 16-bit stored form gives the same estimate
  const sa = minhashSignature(a, seeds);
  assert.equal(signatureSimilarity(sa, Uint16Array.from(sa)), 1);
});

test('normalisation ignores case, punctuation and Unicode compatibility forms', () => {
  assert.deepEqual(normalizeWords('Ｈｅｌｌｏ, WORLD! — it’s'), ['hello', 'world', 'it', 's']);
});

test('LSH parameters put the S-curve around the threshold', () => {
  const { bands, rows } = lshParams(0.8, 128);
  assert.ok(bands * rows <= 128);
  const p = (s: number) => 1 - (1 - s ** rows) ** bands;
  assert.ok(p(0.9) > 0.9 && p(0.5) < 0.01, `${bands}x${rows}`);
});
