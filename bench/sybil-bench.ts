// Issue 13 point 4's figures: the sybil simulation (test/support/sybil-world.ts) for several seeds, with the
// sybil rules and, as the same-run baseline, without them. `node --import tsx bench/sybil-bench.ts [seeds…]`.
import { rewardsPolicy } from '@sward/coordinator';
import { simulateSybilWeek } from '../test/support/sybil-world.js';

const HOUR = 3600_000;
const base = { epochMs: 7 * 24 * HOUR, availability: { slotMs: HOUR } } as const;
const seeds = process.argv.slice(2).map(Number);
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

console.log(
  '| seed | honest flagged | farm | nodes | flagged | verified work | points, rules | points, no rules |',
);
console.log(
  '| ---- | -------------- | ---- | ----- | ------- | ------------- | ------------- | ---------------- |',
);
for (const seed of seeds.length ? seeds : [13, 14, 15]) {
  const t = Date.now();
  const on = await simulateSybilWeek(rewardsPolicy(base), seed);
  const off = await simulateSybilWeek(rewardsPolicy({ ...base, sybil: { enabled: false } }), seed);
  for (const [i, f] of on.farms.entries())
    console.log(
      `| ${seed} | ${i === 0 ? `${on.falseFlags.length}/${on.honestOperators}` : ''} | ${i} | ${f.nodes} | ` +
        `${pct(f.flaggedNodes / f.nodes)} | ${pct(f.workShare)} | ${pct(f.pointsShare)} | ${pct(off.farms[i]?.pointsShare ?? 0)} |`,
    );
  console.error(`seed ${seed}: ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
