// Parameter sweeps: /tmp/xq-runs/p-NAME-VALUE.json and the base (current value). Per family: mean F per value
// per half, and the LOSO-CV estimate (value chosen on the other sites, ties → the current value).
import fs from 'node:fs';

const meta = JSON.parse(fs.readFileSync('/work/shared/eval/wcxb-dev/metadata.json', 'utf8')).files;
const base = JSON.parse(fs.readFileSync('/tmp/xq-base.json', 'utf8'));
const ids = Object.keys(base);
const cur = {
  items: 8,
  itemchars: 600,
  holds: 0.5,
  linky: 0.8,
  undecl: 2,
  widensure: 0.75,
  listsure: 0.75,
  footersure: 0.75,
  prior: 2,
  floor: 4,
  ...JSON.parse(process.env.CUR ?? '{}'),
};
const fam = new Map();
for (const f of fs.readdirSync('/tmp/xq-runs').filter((x) => /^p-.*\.json$/.test(x))) {
  const [, name, v] = f.match(/^p-([a-z]+)-(.+)\.json$/);
  if (!fam.has(name)) fam.set(name, new Map([[String(cur[name]), base]]));
  fam.get(name).set(v, JSON.parse(fs.readFileSync(`/tmp/xq-runs/${f}`, 'utf8')));
}
const sites = new Map();
for (const id of ids) {
  const d = meta[id]?.domain ?? id;
  if (!sites.has(d)) sites.set(d, []);
  sites.get(d).push(id);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const [name, vals] of fam) {
  const vs = [...vals.keys()].sort((a, b) => Number(a) - Number(b));
  console.log(`\n${name} (current ${cur[name]})`);
  console.log('| value | tune | check | all | pages moved vs current |');
  for (const v of vs) {
    const r = vals.get(v);
    const m = (h) => mean(ids.filter((id) => !h || base[id].half === h).map((id) => r[id].F));
    const moved = ids.filter((id) => Math.abs(r[id].F - base[id].F) > 1e-9).length;
    console.log(
      `| ${v} | ${m('tune').toFixed(4)} | ${m('check').toFixed(4)} | ${m().toFixed(4)} | ${moved} |`,
    );
  }
  const tot = new Map(vs.map((v) => [v, ids.reduce((s, id) => s + vals.get(v)[id].F, 0)]));
  let cv = 0;
  for (const [, xs] of sites) {
    let bestV = String(cur[name]);
    let best = -Infinity;
    for (const v of vs) {
      const t = tot.get(v) - xs.reduce((s, id) => s + vals.get(v)[id].F, 0);
      if (t > best + 1e-12 || (Math.abs(t - best) <= 1e-12 && v === String(cur[name]))) {
        best = t;
        bestV = v;
      }
    }
    cv += xs.reduce((s, id) => s + vals.get(bestV)[id].F, 0);
  }
  // choose on tune, score on check
  const tuneBest = vs.reduce(
    (b, v) => {
      const s = ids.filter((id) => base[id].half === 'tune').reduce((a, id) => a + vals.get(v)[id].F, 0);
      return s > b[1] + 1e-12 ? [v, s] : b;
    },
    [String(cur[name]), ids.filter((id) => base[id].half === 'tune').reduce((a, id) => a + base[id].F, 0)],
  )[0];
  console.log(
    `LOSO-CV all ${(cv / ids.length).toFixed(4)} vs current in-sample ${mean(ids.map((id) => base[id].F)).toFixed(4)}; best on tune: ${tuneBest}`,
  );
}
