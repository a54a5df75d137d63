import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { extract } from '../../packages/extract/src/index.js';
import { attr, isElement } from '../../packages/extract/src/dom.js';
import { devHalves } from '../support-dev-split.js';
const { dev, halfOf } = devHalves('/work/shared/eval');
const base = JSON.parse(readFileSync('/tmp/xart-base.json', 'utf8'));
const ids = Object.keys(base).filter((id) => halfOf(id) === 'tune' && base[id].type === 'article');
const rows: string[] = [];
for (const id of ids) {
  const html = gunzipSync(readFileSync(`${dev}/html/${id}.html.gz`)).toString();
  const truth = JSON.parse(readFileSync(`${dev}/ground-truth/${id}.json`, 'utf8'));
  let info = '';
  (globalThis as any).XART_DBG = ({ body, stats, sel, type }: any) => {
    if (type?.type !== 'article' || type.confidence < 0.75) { info = `notsure ${type?.type} ${type?.confidence}`; return; }
    const t = stats.get(sel.top); const chosen = sel.nodes.reduce((n: number, e: any) => n + (stats.get(e)?.chars ?? 0), 0);
    const b = stats.get(body);
    const p = sel.top.parent; const ps = isElement(p) ? stats.get(p) : undefined;
    info = `sure top=${sel.top.name}.${attr(sel.top,'class').slice(0,25)} chosen=${chosen} tparas=${t.paras} par.chars=${ps?.chars} par.paras=${ps?.paras} par.ld=${ps ? (ps.links/ps.chars).toFixed(2) : ''} body=${b.chars}/${b.paras} n=${sel.nodes.length}`;
  };
  extract(html, { url: truth.url });
  const r = base[id];
  rows.push(`${id} F=${r.F.toFixed(3)} P=${r.P.toFixed(3)} R=${r.R.toFixed(3)} ${info}`);
}
console.log(rows.join('\n'));
