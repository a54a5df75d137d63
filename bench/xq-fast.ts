// EXPERIMENT (session 16, xq; reverted by the next commit, rerun with `git show <this commit> | git apply`):
// every ablation/threshold config in one process, re-extracting only the pages whose base run consulted the
// switch (packages/extract/src/xq-off.ts records the switches each extraction reads). Configs:
// off-NAME (a rule switched off), p-NAME-VALUE (a threshold), on-A+B@KEY (experimental switches, pages that read KEY).
//   node --conditions=source --import tsx bench/dev-split.ts --data /work/shared/eval --save /tmp/xq-base.json
//   mkdir -p /tmp/xq-runs; node --conditions=source --import tsx bench/xq-fast.ts off-listed off-widen p-items-6 …
//   node bench/xq-ablate-report.mjs; CUR='{}' node bench/xq-params-report.mjs
// The configs run in session 16 are listed in docs/BENCHMARKS.md ("Session 16, xq").
import { existsSync, writeFileSync } from 'node:fs';
import { extract } from '@sward/extract';
import { devHalves } from './support-dev-split.js';
import { loadExtractionSet, scoreShingle, wordPRF } from './support-extract-score.js';

const X = (
  globalThis as unknown as {
    __xq: { off: Set<string>; on: Set<string>; num: Map<string, number>; seen: Set<string> };
  }
).__xq;
const { dev, halfOf } = devHalves('/work/shared/eval');
const ds = loadExtractionSet(dev);
const sh = loadExtractionSet('/work/shared/eval/article-extraction');
type Page = { F: number; P: number; R: number; type: string; half: string; text: string };
const seenDev: Record<string, Set<string>> = {};
const seenSh: Record<string, Set<string>> = {};
const base: Record<string, Page> = {};
const baseSh: Record<string, { articleBody: string }> = {};
const one = (id: string) => {
  const t = ds.truth[id]!;
  const text = extract(ds.html(id), { url: t.url }).text;
  const [P, R, F] = wordPRF(text, t.articleBody);
  return { F, P, R, type: t.type ?? 'article', half: halfOf(id), text };
};
X.off.clear();
X.num.clear();
for (const id of ds.ids) {
  X.seen.clear();
  base[id] = one(id);
  seenDev[id] = new Set(X.seen);
}
for (const id of sh.ids) {
  X.seen.clear();
  baseSh[id] = { articleBody: extract(sh.html(id), { url: sh.truth[id]?.url }).text };
  seenSh[id] = new Set(X.seen);
}
console.log('base sh', scoreShingle(sh.truth, baseSh).f1.toFixed(4));
// configs: off-NAME or p-NAME-VALUE
const configs = process.argv.slice(2);
for (const c of configs) {
  if (existsSync(`/tmp/xq-runs/${c}.json`)) continue;
  X.off.clear();
  X.num.clear();
  let key: string;
  X.on.clear();
  if (c.startsWith('on-')) {
    const [n, k] = c.slice(3).split('@') as [string, string];
    for (const x of n.split('+')) X.on.add(x);
    key = k;
  } else if (c.startsWith('off-')) {
    key = c.slice(4);
    X.off.add(key);
  } else {
    const m = c.match(/^p-([a-z]+)-(.+)$/)!;
    key = `num:${m[1]}`;
    X.num.set(m[1]!, Number(m[2]));
  }
  const out: Record<string, Page> = {};
  let n = 0;
  for (const id of ds.ids) {
    if (seenDev[id]!.has(key)) {
      out[id] = one(id);
      n++;
    } else out[id] = base[id]!;
  }
  const pred: Record<string, { articleBody: string }> = {};
  for (const id of sh.ids)
    pred[id] = seenSh[id]!.has(key)
      ? { articleBody: extract(sh.html(id), { url: sh.truth[id]?.url }).text }
      : baseSh[id]!;
  writeFileSync(`/tmp/xq-runs/${c}.json`, JSON.stringify(out));
  writeFileSync(
    `/tmp/xq-runs/${c}.txt`,
    `re-extracted ${n}\nScrapingHub article-extraction shingle F1: ${scoreShingle(sh.truth, pred).f1.toFixed(3)}\n`,
  );
  console.log(c, n, new Date().toISOString());
}
