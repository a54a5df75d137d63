// Leave-one-site-out over wcxb-dev, from bench/dev-split.ts's --save files: does a change (or the choice among
// variants) carry to sites it was not chosen on? For each site, the variant (the base included) with the best
// total on the OTHER sites is picked (ties go to the base, then to the earlier variant), and that site's pages are
// scored with it; the LOSO-CV gain is the sum of those pages' gains over the base, per dev page. A change whose
// whole gain is one site's scores 0 there (nothing else argues for it); one that hurts elsewhere more than it
// helps scores below 0 (support-loso.ts). Session 16 (xq) computed this by hand for rule ablations (docs/BENCHMARKS.md).
//   node --import tsx bench/loso.ts --data DIR --base BASE.json VARIANT.json [VARIANT2.json ...]
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { devHalves } from './support-dev-split.js';
import { losoGain } from './support-loso.js';

interface PageScore {
  F: number;
  type: string;
  half: string;
}

const { values, positionals } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.SWARD_EVAL_DIR },
    base: { type: 'string' },
  },
  allowPositionals: true,
});
if (!values.base || positionals.length === 0)
  throw new Error('usage: loso.ts --data DIR --base BASE.json VARIANT.json [...]');
const { siteOf } = devHalves(values.data);
const load = (f: string) => JSON.parse(readFileSync(resolve(f), 'utf8')) as Record<string, PageScore>;
const base = load(values.base);
const variants = positionals.map(load);
const ids = Object.keys(base).filter((id) => variants.every((v) => v[id]));
const n = ids.length;

/** Per variant, each site's summed gain over the base. */
const bySite = variants.map((v) => {
  const m = new Map<string, number>();
  for (const id of ids) {
    const s = siteOf(id);
    m.set(s, (m.get(s) ?? 0) + (v[id] as PageScore).F - (base[id] as PageScore).F);
  }
  return m;
});
const sites = new Set(ids.map(siteOf));
const total = bySite.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
const loso = (which: number[]) => {
  const r = losoGain(which.map((k) => bySite[k] as Map<string, number>));
  return { gain: r.gain / n, picks: r.picks };
};

const d = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(4);
const rows = [
  '| variant | sites helped / hurt | Δ tune | Δ check | Δ all | Δ all without its best site | LOSO-CV gain | Δ by true type |',
  '|---|---|---:|---:|---:|---:|---:|---|',
];
variants.forEach((v, k) => {
  const m = bySite[k] as Map<string, number>;
  const gains = [...m.values()];
  const helped = gains.filter((g) => g > 1e-9).length;
  const hurt = gains.filter((g) => g < -1e-9).length;
  const half = (h: string) => {
    const hs = ids.filter((id) => (base[id] as PageScore).half === h);
    return hs.reduce((a, id) => a + (v[id] as PageScore).F - (base[id] as PageScore).F, 0) / hs.length;
  };
  const bestSite = Math.max(0, ...gains);
  const types = new Map<string, { sum: number; n: number }>();
  for (const id of ids) {
    const t = (base[id] as PageScore).type;
    const e = types.get(t) ?? { sum: 0, n: 0 };
    e.sum += (v[id] as PageScore).F - (base[id] as PageScore).F;
    e.n++;
    types.set(t, e);
  }
  const byType = [...types]
    .filter(([, e]) => Math.abs(e.sum) > 1e-9)
    .map(([t, e]) => `${t} ${d(e.sum / e.n)}`)
    .join(', ');
  rows.push(
    `| ${basename(positionals[k] as string)} | ${helped} / ${hurt} | ${d(half('tune'))} | ${d(half('check'))} | ${d((total[k] as number) / n)} | ${d(((total[k] as number) - bestSite) / n)} | ${d(loso([k]).gain)} | ${byType} |`,
  );
});
process.stdout.write(`${rows.join('\n')}\n`);
if (variants.length > 1) {
  const all = loso(variants.map((_, k) => k));
  process.stdout.write(
    `\nLOSO-CV gain choosing among all ${variants.length} variants (or the base) per left-out site: ${d(all.gain)} a dev page; picks ${all.picks.join(' / ')} of ${sites.size} sites (the rest: base)\n`,
  );
}
