import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewardsPolicy } from '@sward/coordinator';
import type { simulateSybilWeek } from './support/sybil-world.js';
import { callInWorker } from './support/worker-call.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * The simulated weeks on a worker thread (support/worker-call.ts: the test runner's promise tracking doubled
 * their CPU); one thread for both, as a second one loads the coordinator's modules again.
 */
type Policy = ReturnType<typeof rewardsPolicy>;
type Week = Awaited<ReturnType<typeof simulateSybilWeek>>;
const weeks = (a: Policy, b: Policy) =>
  callInWorker<[Week, Week]>(new URL('./support/sybil-world.ts', import.meta.url), 'simulateSybilWeeks', [
    a,
    b,
  ]);

/** Issue 13 point 4: the world is described in support/sybil-world.ts; figures in docs/BENCHMARKS.md. */
test('sybil signals: ≤1% of 1,000 honest operators flagged, ≥90% of farm nodes flagged, farms paid no more than their work', async () => {
  const base = { epochMs: 7 * DAY, availability: { slotMs: HOUR } } as const;
  const [sward, off] = await weeks(
    rewardsPolicy(base),
    rewardsPolicy({ ...base, sybil: { enabled: false } }),
  );
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const lines = sward.farms.map(
    (f, i) =>
      `# farm ${i}: ${f.nodes} nodes, flagged ${f.flaggedNodes} (${pct(f.flaggedNodes / f.nodes)}); ` +
      `verified work ${pct(f.workShare)}, points ${pct(f.pointsShare)} (without sybil rules ${pct(off.farms[i]?.pointsShare ?? 0)})`,
  );
  process.stdout.write(
    `# honest operators flagged: ${sward.falseFlags.length}/${sward.honestOperators} ` +
      `(${pct(sward.falseFlags.length / sward.honestOperators)})${sward.falseFlags.length ? `: ${sward.falseFlags.slice(0, 10).join(', ')}` : ''}\n` +
      `${lines.join('\n')}\n# flag kinds: ${[...new Set(sward.kinds)].sort().join(', ')}\n`,
  );
  assert.ok(
    sward.falseFlags.length <= 0.01 * sward.honestOperators,
    `false flags ${sward.falseFlags.length}: ${sward.falseFlags.join(', ')}`,
  );
  const farmNodes = sward.farms.reduce((s, f) => s + f.nodes, 0);
  const farmFlagged = sward.farms.reduce((s, f) => s + f.flaggedNodes, 0);
  assert.ok(farmFlagged >= 0.9 * farmNodes, `farm nodes flagged ${farmFlagged}/${farmNodes}`);
  for (const [i, f] of sward.farms.entries()) {
    assert.ok(f.flaggedNodes >= 0.9 * f.nodes, `farm ${i}: ${f.flaggedNodes}/${f.nodes} flagged`);
    assert.ok(
      f.pointsShare <= f.workShare,
      `farm ${i}: points ${pct(f.pointsShare)} > work ${pct(f.workShare)}`,
    );
  }
  // Without the rules every farm is paid more than its share of the work (availability, referrals).
  for (const [i, f] of off.farms.entries())
    assert.ok(f.pointsShare > f.workShare, `farm ${i} without sybil rules: ${pct(f.pointsShare)}`);
  assert.deepEqual(off.falseFlags, []);
});
