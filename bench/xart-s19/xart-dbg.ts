import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { extract } from '../../packages/extract/src/index.js';
import { attr, isElement, textOf, collapse } from '../../packages/extract/src/dom.js';
const ids = process.argv.slice(2);
const SH = process.env.SH === '1';
const shTruth = SH ? JSON.parse(readFileSync('/work/shared/eval/article-extraction/ground-truth.json','utf8')) : null;
const path = (e: any) => { const out: string[] = []; for (let p = e; p && isElement(p); p = p.parent) out.unshift(p.name + (attr(p,'id')?'#'+attr(p,'id'):'') + (attr(p,'class')?'.'+attr(p,'class').trim().split(/\s+/).slice(0,2).join('.'):'')); return out.join(' > '); };
for (const id of ids) {
  const html = SH ? gunzipSync(readFileSync(`/work/shared/eval/article-extraction/html/${id}.html.gz`)).toString() : gunzipSync(readFileSync(`/work/shared/eval/wcxb-dev/html/${id}.html.gz`)).toString();
  const truth = SH ? { url: shTruth[id].url, ground_truth: { main_content: shTruth[id].articleBody } } : JSON.parse(readFileSync(`/work/shared/eval/wcxb-dev/ground-truth/${id}.json`, 'utf8'));
  (globalThis as any).XART_DBG = ({ body, stats, sel, type }: any) => {
    console.log(`== ${id} ${truth.url} type=${type?.type} conf=${type?.confidence} signals=${type?.signals.join(',')}`);
    const tot = stats.get(body);
    console.log(` body chars=${tot.chars} links=${tot.links} paras=${tot.paras}`);
    console.log(` top: ${path(sel.top)} chars=${stats.get(sel.top)?.chars} paras=${stats.get(sel.top)?.paras}`);
    for (const n of sel.nodes) if (n !== sel.top) console.log(`  + ${n.name}.${attr(n,'class')} chars=${stats.get(n)?.chars}`);
    const par = sel.top.parent;
    for (const k of par.children) if (isElement(k)) { const s = stats.get(k); console.log(`   kid ${k===sel.top?'*':' '} ${k.name}.${attr(k,'class').slice(0,60)} chars=${s?.chars} links=${s?.links} paras=${s?.paras} :: ${collapse(textOf(k)).slice(0,90)}`); }
    let c = sel.top;
    for (let p = c.parent; p && isElement(p); p = p.parent) { const s = stats.get(p); console.log(`   ^ ${p.name}#${attr(p,'id')}.${attr(p,'class').slice(0,40)} chars=${s?.chars} links=${s?.links} paras=${s?.paras} kids=${p.children.filter(isElement).length}`); if (p === body) break; }
  };
  const d = extract(html, { url: truth.url });
  console.log(` out=${d.text.length} truth=${truth.ground_truth.main_content.length}`);
}
