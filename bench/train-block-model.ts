// Trains the extractor's learned block model (packages/extract/src/block-model.ts) and writes its weights to
// packages/extract/src/block-weights.ts. Data: WCXB's development split ("WCXB, Murrough Foley (2026)",
// CC-BY-4.0, github.com/Murrough-Foley/web-content-extraction-benchmark at c039d5e; see wcxb-dev/README.md),
// its "tune" half only (support-dev-split.ts); the "check" half judges the model and the thresholds.
//   node --conditions=source --import tsx bench/train-block-model.ts --data DIR [--write]
// Every paragraph of each page's cleaned tree is an example, labelled content when at least half of its word
// trigrams occur in the page's ground truth. Logistic regression by stochastic gradient descent with a fixed
// seed (deterministic: the same data gives the same weights). Then, per detected page type, the thresholds
// (drop a kept block below, add a dropped one above) that most raise the tune half's mean page F1 are chosen;
// a type whose tune pages do not gain is left to the rules.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Candidate } from '../packages/extract/src/block-features.js';
import { FEATURE_NAMES } from '../packages/extract/src/block-features.js';
import { type BlockModel, contentProbability } from '../packages/extract/src/block-model.js';
import { extract } from '../packages/extract/src/extract.js';
import type { PageTypeName } from '../packages/extract/src/page-type.js';
import { prng } from '../packages/testsites/src/prng.js';
import { devHalves, type Half } from './support-dev-split.js';
import { loadExtractionSet, tokenize, wordPRF } from './support-extract-score.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.SWARD_EVAL_DIR },
    write: { type: 'boolean', default: false },
    seed: { type: 'string', default: '20261206' },
    epochs: { type: 'string', default: '30' },
    l2: { type: 'string', default: '0.003' },
    // experiments: features whose names start so are left out (weight 0), comma-separated
    without: { type: 'string', default: 'class#,type:,kept×' },
    // experiments: keep the extracted pages in this file and read them from it on the next run
    cache: { type: 'string' },
    // experiments: train on every tune page's blocks, not only those of the page types revised
    'train-all': { type: 'boolean', default: false },
  },
});
const { dev, halfOf } = devHalves(values.data);
const ds = loadExtractionSet(dev);
const TARGETS: PageTypeName[] = ['listing', 'collection', 'product', 'service', 'forum'];

interface Page {
  id: string;
  half: Half;
  trueType: string;
  detected: PageTypeName | null;
  truth: string;
  /** the rules' whole text (what extract returns without the model) */
  ruled: string;
  cands: { text: string; kept: boolean; x: Float64Array; y: number; w: number }[];
}

/** Share of the block's word trigrams (its words, when fewer than three) found in the truth. */
function hitRate(text: string, truthGrams: Set<string>, truthWords: Set<string>): number {
  const t = tokenize(text.toLowerCase());
  if (t.length < 3) return t.length ? t.filter((w) => truthWords.has(w)).length / t.length : 0;
  let hit = 0;
  for (let i = 0; i + 3 <= t.length; i++) if (truthGrams.has(`${t[i]} ${t[i + 1]} ${t[i + 2]}`)) hit++;
  return hit / (t.length - 2);
}

let pages: Page[] = [];
let unmatched = 0;
const cached = values.cache && existsSync(values.cache);
if (cached) {
  const raw = JSON.parse(readFileSync(values.cache as string, 'utf8')) as {
    pages: Page[];
    unmatched: number;
  };
  pages = raw.pages.map((p) => ({
    ...p,
    cands: p.cands.map((c) => ({ ...c, x: Float64Array.from(c.x as unknown as number[]) })),
  }));
  unmatched = raw.unmatched;
}
for (const id of cached ? [] : ds.ids) {
  const truth = ds.truth[id];
  if (!truth) continue;
  let seen: { cands: Candidate[]; rows: Float64Array[]; type: PageTypeName } | null = null;
  const tracer: BlockModel = {
    features: FEATURE_NAMES,
    weights: [],
    types: {},
    trace: (cands, rows, type) => {
      seen = { cands, rows, type: type.type };
    },
  };
  const doc = extract(ds.html(id), { url: truth.url }, tracer);
  const tw = tokenize(truth.articleBody.toLowerCase());
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= tw.length; i++) grams.add(`${tw[i]} ${tw[i + 1]} ${tw[i + 2]}`);
  const words = new Set(tw);
  const s = seen as { cands: Candidate[]; rows: Float64Array[]; type: PageTypeName } | null;
  if (!s) unmatched++;
  const cands = (s?.cands ?? []).map((c, i) => {
    const n = tokenize(c.block.text).length;
    return {
      text: c.block.text,
      kept: c.kept,
      x: s?.rows[i] as Float64Array,
      y: hitRate(c.block.text, grams, words) >= 0.5 ? 1 : 0,
      w: Math.sqrt(n + 1),
    };
  });
  // every page weighs the same in training, its blocks by the square root of their words
  const sum = cands.reduce((a, c) => a + c.w, 0);
  for (const c of cands) c.w = (c.w / sum) * 50;
  pages.push({
    id,
    half: halfOf(id),
    trueType: truth.type ?? 'article',
    detected: s ? s.type : null,
    truth: truth.articleBody,
    ruled: doc.text,
    cands,
  });
}

if (values.cache && !cached)
  writeFileSync(
    values.cache,
    JSON.stringify({
      pages: pages.map((p) => ({ ...p, cands: p.cands.map((c) => ({ ...c, x: [...c.x] })) })),
      unmatched,
    }),
  );
const off = values.without
  .split(',')
  .filter(Boolean)
  .map((pre) => pre.trim());
const mask = FEATURE_NAMES.map((n) => (off.some((pre) => n.startsWith(pre)) ? 0 : 1));

const inTarget = (p: Page) => p.detected !== null && TARGETS.includes(p.detected);
const train = pages
  .filter((p) => p.half === 'tune' && (values['train-all'] || inTarget(p)))
  .flatMap((p) => p.cands);
const dim = FEATURE_NAMES.length;
const w = new Float64Array(dim);
const rand = prng(Number(values.seed));
const order = train.map((_, i) => i);
const epochs = Number(values.epochs);
const l2 = Number(values.l2);
const model: BlockModel = { features: FEATURE_NAMES, weights: w as unknown as number[], types: {} };
for (let e = 0; e < epochs; e++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const lr = 0.05 / (1 + e);
  for (const k of order) {
    const c = train[k] as Page['cands'][number];
    const g = (contentProbability(model, c.x) - c.y) * c.w;
    for (let f = 0; f < dim; f++)
      if (mask[f]) w[f] = (w[f] as number) - lr * (g * (c.x[f] as number) + l2 * (w[f] as number));
  }
}

const f3 = (x: number) => x.toFixed(3);
// the model's own accuracy per block, beside the rules' (kept = content), on both halves
for (const half of ['tune', 'check'] as const) {
  const cs = pages.filter((p) => p.half === half && inTarget(p)).flatMap((p) => p.cands);
  const acc = (pred: (c: Page['cands'][number]) => boolean, weighted: boolean) => {
    let ok = 0;
    let all = 0;
    for (const c of cs) {
      const wt = weighted ? c.w : 1;
      all += wt;
      if (pred(c) === (c.y === 1)) ok += wt;
    }
    return ok / all;
  };
  const m = (c: Page['cands'][number]) => contentProbability(model, c.x) >= 0.5;
  const r = (c: Page['cands'][number]) => c.kept;
  process.stdout.write(
    `${half}: ${cs.length} blocks, ${f3(cs.filter((c) => c.y).length / cs.length)} content; accuracy model ${f3(acc(m, false))} rules ${f3(acc(r, false))}; word-weighted model ${f3(acc(m, true))} rules ${f3(acc(r, true))}\n`,
  );
}

/** A page's text with the model's thresholds applied (the rules' text when none apply). */
function revised(p: Page, t: { drop: number; add: number } | undefined): string {
  if (!t || !p.cands.length) return p.ruled;
  let changed = false;
  const out: string[] = [];
  for (const c of p.cands) {
    const pr = contentProbability(model, c.x);
    const keep = c.kept ? pr >= t.drop : pr > t.add;
    if (keep !== c.kept) changed = true;
    if (keep) out.push(c.text);
  }
  return changed && out.length ? out.join('\n\n') : p.ruled;
}
const F = (p: Page, t: { drop: number; add: number } | undefined) => wordPRF(revised(p, t), p.truth)[2];
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

const DROPS = [0, 0.05, 0.1, 0.15, 0.2, 0.3];
const ADDS = [0.6, 0.7, 0.8, 0.9, 0.95, 2];
for (const type of TARGETS) {
  const tune = pages.filter((p) => p.half === 'tune' && p.detected === type);
  const base = mean(tune.map((p) => F(p, undefined)));
  let best = { drop: 0, add: 2 };
  let bestF = base;
  for (const drop of DROPS)
    for (const add of ADDS) {
      const f = mean(tune.map((p) => F(p, { drop, add })));
      if (f > bestF + 0.002) {
        bestF = f;
        best = { drop, add };
      }
    }
  if (best.drop > 0 || best.add <= 1) model.types[type] = best;
  process.stdout.write(
    `detected ${type}: ${tune.length} tune pages ${f3(base)} → ${f3(bestF)} with drop < ${best.drop}, add > ${best.add}\n`,
  );
}

// the page F1 per true type and half, rules alone and revised (the figures bench/dev-split.ts reports)
const rows = ['| type | tune rules | tune model | check rules | check model |', '|---|---:|---:|---:|---:|'];
for (const type of [...new Set(pages.map((p) => p.trueType))].sort().concat('all')) {
  const of = (half: Half) => pages.filter((p) => p.half === half && (type === 'all' || p.trueType === type));
  const cell = (half: Half, withModel: boolean) =>
    f3(mean(of(half).map((p) => F(p, withModel && p.detected ? model.types[p.detected] : undefined))));
  rows.push(
    `| ${type} | ${cell('tune', false)} | ${cell('tune', true)} | ${cell('check', false)} | ${cell('check', true)} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n(pages the model could not see: ${unmatched})\n`);

if (values.write) {
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  const out = `// Generated by bench/train-block-model.ts (seed ${values.seed}, ${epochs} epochs, l2 ${l2}); do not edit: rerun it.
// Trained on the "tune" half of WCXB's development split: "WCXB, Murrough Foley (2026)", CC-BY-4.0.
export const BLOCK_WEIGHTS: {
  features: string;
  weights: number[];
  types: Record<string, { drop: number; add: number }>;
} = ${JSON.stringify({ features: FEATURE_NAMES.join(' '), weights: [...w].map(round), types: model.types })};
`;
  writeFileSync(new URL('../packages/extract/src/block-weights.ts', import.meta.url), out);
  process.stdout.write('wrote packages/extract/src/block-weights.ts\n');
}
