import { readFileSync } from 'node:fs';
const file = process.argv[2] ?? '/tmp/xart-matrix.json';
const { variants, pages, n } = JSON.parse(readFileSync(file, 'utf8'));
const ids = Object.keys(pages);
const eff = (v: string, keep: (id: string) => boolean) => ids.filter(keep).reduce((s, id) => s + (v === 'off' ? 0 : pages[id].F[v] - pages[id].base), 0);
const all = ['off', ...variants];
const rows = all.map((v) => ({ v, tune: eff(v, (id) => pages[id].half === 'tune'), check: eff(v, (id) => pages[id].half === 'check'),
  moved: ids.filter((id) => v !== 'off' && Math.abs(pages[id].F[v] - pages[id].base) > 1e-9).map((id) => `${id}${pages[id].half[0]}${pages[id].type.slice(0,3)}${(pages[id].F[v] - pages[id].base >= 0 ? '+' : '')}${(pages[id].F[v] - pages[id].base).toFixed(2)}`).join(' ') }));
for (const r of rows) console.log(r.v.padEnd(40), 'tune', (r.tune / 323).toFixed(4), 'check', (r.check / 307).toFixed(4), r.moved);
// leave one site out: the variant for a site is chosen by the other sites' summed effect
const sites = [...new Set(ids.map((id) => pages[id].site))];
let loso = 0;
const picks: string[] = [];
for (const s of sites) {
  let best = 'off', bestV = 0;
  for (const v of variants) { const e = eff(v, (id) => pages[id].site !== s); if (e > bestV + 1e-12) { bestV = e; best = v; } }
  const e = eff(best, (id) => pages[id].site === s);
  loso += e;
  picks.push(`${s.slice(0, 20)}:${best.replace(/:climb|:addld/g, '')}:${e.toFixed(3)}`);
}
console.log('\nLOSO-CV gain per dev page', (loso / n).toFixed(4), 'over', sites.length, 'sites that can move');
console.log(picks.join('\n'));
