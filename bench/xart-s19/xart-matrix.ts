// every dev page the share rule could move, extracted under each variant of the rule; per-page F saved
import { readFileSync, writeFileSync } from 'node:fs';
import { devHalves } from '../support-dev-split.js';
import { loadExtractionSet, swardExtractor, wordPRF } from '../support-extract-score.js';
const { dev, halfOf } = devHalves('/work/shared/eval');
const meta = JSON.parse(readFileSync(`${dev}/metadata.json`, 'utf8')).files;
const ds = loadExtractionSet(dev);
const base = JSON.parse(readFileSync('/tmp/xart-base.json', 'utf8'));
const extra = process.argv[2] ?? '';
const fired = new Set<string>();
let cur = '';
const origErr = console.error;
console.error = (...a: unknown[]) => { if (a[0] === 'XART widen') fired.add(cur); else origErr(...a); };
process.env.XART_LOG = '1';
process.env.XART = `share:0.8:0.3:climb:addld${extra}`;
for (const id of ds.ids) { cur = id; swardExtractor(ds.html(id), ds.truth[id]?.url); }
process.env.XART_LOG = '';
const variants: string[] = [];
for (const T of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) for (const L of [1, 2, 3, 4, 99]) for (const ld of [0.15, 0.3]) variants.push(`share:${T}:${ld}:climb:lv:${L}:addld${extra}`);
const out: Record<string, { half: string; type: string; site: string; base: number; F: Record<string, number> }> = {};
for (const id of fired) {
  const truth = ds.truth[id];
  const F: Record<string, number> = {};
  for (const v of variants) { process.env.XART = v; F[v] = wordPRF(swardExtractor(ds.html(id), truth?.url).articleBody, truth?.articleBody)[2]; }
  out[id] = { half: halfOf(id), type: truth?.type ?? 'article', site: meta[id]?.domain ?? id, base: base[id].F, F };
}
writeFileSync(`/tmp/xart-matrix${extra.replace(/:/g, '_')}.json`, JSON.stringify({ variants, pages: out, n: ds.ids.length }));
console.log('fired on', fired.size, 'pages');
