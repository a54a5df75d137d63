// throw-away: F1 of every dev page with the page type forced to each type (X18FORCE), second opinion as usual
import { writeFileSync } from 'node:fs';
import { extract } from '@sward/extract';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet, wordPRF } from '../support-extract-score.js';

const out = process.argv[2] as string;
const types = (process.argv[3] ?? 'none,article,listing,collection,product,service').split(',');
const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const rows: Record<string, Record<string, unknown>> = {};
for (const id of ds.ids) {
  const t = ds.truth[id]!;
  const html = ds.html(id);
  const r: Record<string, unknown> = { half: halfOf(id), truth: t.type };
  for (const ty of types) {
    if (ty === 'none') delete process.env.X18FORCE;
    else process.env.X18FORCE = ty;
    const d = extract(html, { url: t.url });
    if (ty === 'none') r.detected = d.pageType?.type;
    r[ty] = wordPRF(d.text, t.articleBody)[2];
  }
  rows[id] = r;
}
writeFileSync(out, JSON.stringify(rows));
