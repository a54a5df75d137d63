import { extract } from '@sward/extract';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet, wordPRF } from '../support-extract-score.js';

const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []);
const share = (a: string, b: string) => {
  const A = words(a),
    B = words(b);
  let n = 0;
  for (const w of A) if (B.has(w)) n++;
  return A.size ? n / A.size : 0;
};
const agg = { tune: [0, 0, 0], check: [0, 0, 0] } as Record<string, number[]>;
for (const id of ds.ids) {
  const t = ds.truth[id]!;
  const d = extract(ds.html(id), { url: t.url });
  const p = d.structured?.products?.[0] as { description?: string; name?: string } | undefined;
  if (!p?.description) continue;
  const h = halfOf(id);
  const inText = share(p.description, d.text),
    inTruth = share(p.description, t.articleBody);
  const F = wordPRF(d.text, t.articleBody)[2];
  const F2 = wordPRF(`${d.text}\n\n${p.description}`, t.articleBody)[2];
  if (h === 'tune')
    console.log(
      id,
      t.type,
      d.pageType?.type,
      'desc',
      p.description.length,
      'inText',
      inText.toFixed(2),
      'inTruth',
      inTruth.toFixed(2),
      'F',
      F.toFixed(3),
      'F+desc',
      F2.toFixed(3),
    );
  else {
    (agg.check as number[])[0]! += 1;
    if (inText < 0.6) {
      (agg.check as number[])[1]! += 1;
      (agg.check as number[])[2]! += F2 - F;
    }
  }
}
console.log(
  'check: pages with a described Product, of them desc mostly not in text, sum ΔF if appended',
  agg.check,
);
