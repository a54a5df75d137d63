// The development split of WCXB cut in two by site, for choosing extraction rules that generalise: design a
// rule looking at "tune" pages only, and keep it only if the "check" half gains too (or is unchanged with a
// strong structural reason). Session 12's dev gains did not carry over to the held-out split; session 13
// worked this way (docs/BENCHMARKS.md, "Session 13"). The halves are support-dev-split.ts's.
//   node --conditions=source --import tsx bench/dev-split.ts --data DIR [--type T] [--pages] [--save F] [--diff F]
// DIR holds wcxb-dev/ (and article-extraction/, scored too unless --type is given), as for `npm run eval`.
// --save writes every page's scores and text; --diff compares with such a file and lists the pages that moved.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { devHalves, type Half } from './support-dev-split.js';
import {
  loadExtractionSet,
  predictSet,
  scoreShingle,
  swardExtractor,
  wordPRF,
} from './support-extract-score.js';

interface PageScore {
  F: number;
  P: number;
  R: number;
  type: string;
  half: Half;
  text: string;
}

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.SWARD_EVAL_DIR },
    type: { type: 'string' },
    pages: { type: 'boolean', default: false },
    save: { type: 'string' },
    diff: { type: 'string' },
  },
});
const { dev, halfOf } = devHalves(values.data);

const ds = loadExtractionSet(dev);
const ids = ds.ids.filter((id) => !values.type || ds.truth[id]?.type === values.type);
const pred = predictSet({ ...ds, ids }, swardExtractor);
const per: Record<string, PageScore> = {};
for (const id of ids) {
  const truth = ds.truth[id];
  if (!truth) continue;
  const text = pred[id]?.articleBody ?? '';
  const [P, R, F] = wordPRF(text, truth.articleBody);
  per[id] = { F, P, R, type: truth.type ?? 'article', half: halfOf(id), text };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const prev = values.diff
  ? (JSON.parse(readFileSync(resolve(values.diff), 'utf8')) as Record<string, PageScore>)
  : null;
const f = (x: number) => x.toFixed(3);
const d = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(4);
const rows = [
  `| type | pages | tune | check | all |${prev ? ' Δ tune | Δ check | Δ all |' : ''}`,
  `|---|---:|---:|---:|---:|${prev ? '---:|---:|---:|' : ''}`,
];
for (const type of [...new Set(Object.values(per).map((r) => r.type))].sort().concat('all')) {
  const mine = Object.entries(per).filter(([, r]) => type === 'all' || r.type === type);
  const now = (h?: string) => mean(mine.filter(([, r]) => !h || r.half === h).map(([, r]) => r.F));
  const before = (h?: string) =>
    mean(mine.filter(([, r]) => !h || r.half === h).map(([id]) => prev?.[id]?.F ?? 0));
  let row = `| ${type} | ${mine.length} | ${f(now('tune'))} | ${f(now('check'))} | ${f(now())} |`;
  if (prev)
    row += ` ${d(now('tune') - before('tune'))} | ${d(now('check') - before('check'))} | ${d(now() - before())} |`;
  rows.push(row);
}
process.stdout.write(`${rows.join('\n')}\n`);
if (prev) {
  const moved = Object.entries(per)
    .filter(([id, r]) => prev[id] && Math.abs((prev[id] as PageScore).F - r.F) > 1e-9)
    .sort(([a, ra], [b, rb]) => ra.F - (prev[a] as PageScore).F - (rb.F - (prev[b] as PageScore).F));
  process.stdout.write(`\npages moved: ${moved.length}\n`);
  for (const [id, r] of moved)
    process.stdout.write(`  ${id} ${r.type} ${r.half} ${f((prev[id] as PageScore).F)} → ${f(r.F)}\n`);
}
if (values.pages)
  for (const [id, r] of Object.entries(per).sort(([, a], [, b]) => a.F - b.F))
    process.stdout.write(`${id} ${r.type} ${r.half} F ${f(r.F)} P ${f(r.P)} R ${f(r.R)}\n`);
if (values.save) writeFileSync(resolve(values.save), JSON.stringify(per));
const sh = join(dev, '..', 'article-extraction');
if (!values.type && existsSync(sh)) {
  const set = loadExtractionSet(sh);
  process.stdout.write(
    `\nScrapingHub article-extraction shingle F1: ${f(scoreShingle(set.truth, predictSet(set, swardExtractor)).f1)}\n`,
  );
}
