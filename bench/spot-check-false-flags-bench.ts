import { defaultSpotCheckConfig } from '../packages/coordinator/src/spot-check/config.js';
import { type FalseFlagTally, measureFalseFlags } from './support-false-flags.js';

/**
 * False-flag rate of spot checks on honest nodes: a changing loopback news site (render time, request
 * counter, rotating advertisement on every answer; articles published and pages redesigned between fetches),
 * judged with the coordinator's spot-check comparison at the default similarity threshold, and with the
 * previous comparison on the same fetches as the baseline.
 * Run: node --import tsx bench/spot-check-false-flags-bench.ts [articles] [rounds]
 */
const articles = Number(process.argv[2] ?? 40);
const rounds = Number(process.argv[3] ?? 10);
const { similarity } = defaultSpotCheckConfig;
const t0 = performance.now();
const run = await measureFalseFlags({ articles, rounds, similarity });
const ms = performance.now() - t0;
const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(2)} %`;
console.log(`threshold ${similarity}, ${run.pages} honest page fetches spot-checked, ${ms.toFixed(0)} ms`);
console.log(
  '| comparison | pages | comparisons | disagreements | rate | honest fetches charged | charged rate |',
);
console.log('|---|---|---:|---:|---:|---:|---:|');
const rows = (name: string, t: FalseFlagTally) => {
  for (const [kind, k] of Object.entries(t.byKind)) {
    const pages = kind === 'home' ? rounds : run.pages - rounds;
    console.log(
      `| ${name} | ${kind} | ${k.comparisons} | ${k.disagreements} | ${pct(k.disagreements, k.comparisons)} | ${k.charged} | ${pct(k.charged, pages)} |`,
    );
  }
  console.log(`| ${name} | lowest similarity | ${t.lowest.toFixed(3)} | | | | |`);
};
rows('current', run.current);
rows('previous (baseline)', run.previous);
