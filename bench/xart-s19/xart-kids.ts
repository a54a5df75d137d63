import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseDocument } from 'htmlparser2';
import { attr, isElement, textOf, collapse } from '../../packages/extract/src/dom.js';
const [id, sel] = process.argv.slice(2);
const html = gunzipSync(readFileSync(`/work/shared/eval/wcxb-dev/html/${id}.html.gz`)).toString();
const doc = parseDocument(html);
function walk(e: any, f: (e: any) => void) { f(e); for (const c of e.children ?? []) if (isElement(c)) walk(c, f); }
walk(doc, (e) => { if (isElement(e) && attr(e, 'class').split(/\s+/).includes(sel ?? "")) { for (const k of e.children) if (isElement(k)) { const t = collapse(textOf(k)); console.log(`${k.name}.${attr(k,'class').slice(0,60)} ${t.length} :: ${t.slice(0,300)}`);} } });
