// Leave-one-site-out scoring of extraction variants (bench/support-loso.ts), on site gains worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { losoGain } from '../bench/support-loso.js';

const gains = (o: Record<string, number>) => new Map(Object.entries(o));

test("a change whose whole gain is one site's earns nothing left out", () => {
  const r = losoGain([gains({ a: 0.8, b: 0, c: 0 })]);
  assert.equal(r.gain, 0);
  assert.deepEqual(r.picks, [2]); // b and c pick it (a's gain argues for it), and gain nothing there
});

test('a change that helps two sites earns both when each is left out', () => {
  const r = losoGain([gains({ a: 0.5, b: 0.25, c: 0 })]);
  assert.equal(r.gain, 0.75);
});

test('the site a change hurts is charged when the others argue for it', () => {
  // left out: a → others sum −0.1 (base); b → +0.4 (variant, b gets −0.5); c → −0.1 (base)
  const r = losoGain([gains({ a: 0.4, b: -0.5, c: 0 })]);
  assert.equal(r.gain, -0.5);
  assert.deepEqual(r.picks, [1]);
});

test('among variants, each left-out site takes the best on the others; ties keep the base', () => {
  const r = losoGain([gains({ a: 0.2, b: 0.2, c: 0 }), gains({ a: 0.3, b: 0, c: 0.3 })]);
  // a: v1 others 0.2, v2 0.3 → v2 (0.3); b: v1 0.2, v2 0.6 → v2 (0); c: v1 0.4, v2 0.3 → v1 (0)
  assert.ok(Math.abs(r.gain - 0.3) < 1e-12);
  assert.deepEqual(r.picks, [1, 2]);
  assert.equal(losoGain([gains({ a: 0, b: 0 })]).gain, 0);
  assert.deepEqual(losoGain([gains({ a: 0, b: 0 })]).picks, [0]);
});
