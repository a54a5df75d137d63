import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteBudget } from './byte-budget.js';

const MINUTE = 60_000;

test('the window sums are the buckets counted again, as the clock moves on, stands still or goes back', () => {
  let now = Date.UTC(2026, 11, 6, 0, 0, 30);
  const budget = new ByteBudget({ bytesPerHour: 50_000_000, bytesPerDay: null }, null, () => now);
  const seen = new Map<number, number>();
  const recount = () => {
    const m = Math.floor(now / MINUTE);
    let lastHour = 0;
    let lastDay = 0;
    for (const [minute, bytes] of seen) {
      if (m - minute < 24 * 60) lastDay += bytes;
      if (m - minute < 60) lastHour += bytes;
    }
    return { lastHour, lastDay };
  };
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  // two days of traffic, a few pages a minute, the clock stepping back now and then
  for (let step = 0; step < 6_000; step++) {
    const r = rand(10);
    now += r === 0 ? -3 * MINUTE : r < 4 ? 0 : rand(2 * MINUTE);
    const bytes = 1 + rand(20_000);
    const m = Math.floor(now / MINUTE);
    seen.set(m, (seen.get(m) ?? 0) + bytes);
    budget.consume(bytes);
    if (step % 3 === 0) assert.deepEqual(budget.used(), recount(), `step ${step}`);
    if (step % 500 === 0) {
      budget.flush(); // drops buckets older than a day: none of them counts
      for (const minute of seen.keys()) if (m - minute >= 24 * 60) seen.delete(minute);
    }
  }
  assert.deepEqual(budget.used(), recount());
  const u = budget.used();
  assert.equal(budget.remaining(), Math.max(0, 50_000_000 - u.lastHour));
});
