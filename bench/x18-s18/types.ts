// throw-away: detected page type of every dev page; check pages: only id, truth, detected type (no signals)
import { writeFileSync } from 'node:fs';
import { extract } from '@sward/extract';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet } from '../support-extract-score.js';

const out = process.argv[2] as string;
const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const rows: Record<string, unknown> = {};
for (const id of ds.ids) {
  const t = ds.truth[id]!;
  const h = halfOf(id);
  const pt = extract(ds.html(id), { url: t.url, secondOpinion: false }).pageType;
  rows[id] =
    h === 'tune'
      ? { half: h, truth: t.type, type: pt?.type, conf: pt?.confidence, signals: pt?.signals, url: t.url }
      : { half: h, truth: t.type, type: pt?.type };
}
writeFileSync(out, JSON.stringify(rows));
const c: Record<string, [number, number]> = { tune: [0, 0], check: [0, 0] };
for (const r of Object.values(rows) as { half: string; truth: string; type: string }[]) {
  c[r.half]![1]++;
  if (r.truth === r.type) c[r.half]![0]++;
}
console.log(JSON.stringify(c));
