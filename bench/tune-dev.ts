// scratch tuning script (not committed)
import { writeFileSync } from 'node:fs';
import { extract } from '@sward/extract';
import { loadExtractionSet, scoreWcxb, scoreShingle, wordPRF, type Prediction } from './support-extract-score.js';
const which = process.argv[2] ?? 'wcxb';
const dir = which === 'wcxb' ? '/work/shared/eval/wcxb-dev' : '/work/shared/eval/article-extraction';
const ds = loadExtractionSet(dir);
const pred: Record<string, Prediction> = {};
const rows: string[] = [];
let typeOk = 0;
const conf: Record<string, Record<string, number>> = {};
const t0 = process.cpuUsage();
for (const id of ds.ids) {
  const t = ds.truth[id]!;
  const d = extract(ds.html(id), { url: t.url }) as any;
  pred[id] = { articleBody: d.text, title: d.title, author: d.author, date: d.published };
  if (ds.metric === 'wcxb') {
    const [P, R, F] = wordPRF(d.text, t.articleBody);
    const pt = d.pageType?.type ?? '-';
    if (pt === t.type) typeOk++;
    conf[t.type!] ??= {};
    conf[t.type!]![pt] = (conf[t.type!]![pt] ?? 0) + 1;
    rows.push(`${id}\t${t.type}\t${pt}\t${(d.pageType?.confidence ?? 0).toFixed(2)}	${(d.pageType?.signals ?? []).join(",")}\t${F.toFixed(3)}\t${P.toFixed(3)}\t${R.toFixed(3)}\t${t.url}`);
  }
}
const cpu = process.cpuUsage(t0);
if (ds.metric === 'wcxb') {
  const s = scoreWcxb(ds.truth, pred);
  console.log('overall', s.f1.toFixed(4), 'P', s.precision.toFixed(3), 'R', s.recall.toFixed(3), 'title', s.titleMatch?.toFixed(3), 'author', s.authorMatch?.toFixed(3), 'date', s.dateMatch?.toFixed(3));
  for (const [k, v] of Object.entries(s.byType)) console.log(k.padEnd(14), v.pages, v.f1.toFixed(4), 'P', v.precision.toFixed(3), 'R', v.recall.toFixed(3));
  console.log('type accuracy', (typeOk / ds.ids.length).toFixed(3));
  console.log(JSON.stringify(conf));
  writeFileSync(`/tmp/e/rows-${process.argv[3] ?? 'cur'}.tsv`, rows.join('\n') + '\n');
} else {
  const s = scoreShingle(ds.truth, pred);
  console.log('shingle F1', s.f1.toFixed(4), 'P', s.precision.toFixed(4), 'R', s.recall.toFixed(4));
}
console.log('cpu s', ((cpu.user + cpu.system) / 1e6).toFixed(1));
