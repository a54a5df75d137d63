// Reads /tmp/xq-base.json and /tmp/xq-runs/off-*.json; per rule: effect (base − off) per half, pages up/down,
// sites, effect without the best site, LOSO-CV gain of "keep the rule" (chosen on the other sites, tie → off).
import fs from 'node:fs';

const meta = JSON.parse(fs.readFileSync('/work/shared/eval/wcxb-dev/metadata.json', 'utf8')).files;
const base = JSON.parse(fs.readFileSync('/tmp/xq-base.json', 'utf8'));
const ids = Object.keys(base);
const dom = (id) => meta[id]?.domain ?? id;
const sites = new Map();
for (const id of ids) {
  const d = dom(id);
  if (!sites.has(d)) sites.set(d, []);
  sites.get(d).push(id);
}
const N = ids.length;
const f4 = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);
const rows = [];
for (const f of fs
  .readdirSync('/tmp/xq-runs')
  .filter((x) => /^off-.*\.json$/.test(x))
  .sort()) {
  const name = f.slice(4, -5);
  const off = JSON.parse(fs.readFileSync(`/tmp/xq-runs/${f}`, 'utf8'));
  const eff = {};
  for (const id of ids) eff[id] = base[id].F - off[id].F;
  const sum = (pred) => ids.filter(pred).reduce((s, id) => s + eff[id], 0);
  const cnt = (h) => ids.filter((id) => base[id].half === h).length;
  const tune = sum((id) => base[id].half === 'tune') / cnt('tune');
  const check = sum((id) => base[id].half === 'check') / cnt('check');
  const moved = ids.filter((id) => Math.abs(eff[id]) > 1e-9);
  const up = moved.filter((id) => eff[id] > 0),
    down = moved.filter((id) => eff[id] < 0);
  // site effects
  const siteEff = [...sites].map(([d, xs]) => [d, xs.reduce((s, id) => s + eff[id], 0)]);
  const total = siteEff.reduce((s, [, e]) => s + e, 0);
  // LOSO: keep the rule for site s iff the other sites' total effect > 0
  let cv = 0;
  for (const [, e] of siteEff) if (total - e > 1e-12) cv += e;
  // per type effect (all pages)
  const byType = {};
  for (const id of moved) {
    const t = base[id].type;
    byType[t] = (byType[t] ?? 0) + eff[id];
  }
  const tcount = {};
  for (const id of ids) tcount[base[id].type] = (tcount[base[id].type] ?? 0) + 1;
  const types = Object.entries(byType)
    .map(([t, e]) => `${t} ${f4(e / tcount[t])}`)
    .join(', ');
  const txt = fs.readFileSync(`/tmp/xq-runs/off-${name}.txt`, 'utf8');
  const sh = txt.match(/shingle F1: ([\d.]+)/)?.[1] ?? '?';
  const best = siteEff.map(([, e]) => e).sort((a, b) => b - a)[0] ?? 0;
  rows.push(
    `| ${name} | ${up.length} / ${down.length} | ${f4(tune)} | ${f4(check)} | ${f4(total / N)} | ${f4((total - best) / N)} | ${f4(cv / N)} | ${sh} | ${types} |`,
  );
}
console.log(
  '| rule off | pages rule helps / hurts | effect tune | effect check | effect all | all without its best site | LOSO-CV gain | SH with rule off | effect by true type (all pages) |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---|---|');
console.log(rows.join('\n'));
