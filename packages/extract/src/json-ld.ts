import { type Document, elements, textOf } from './dom.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

const ARTICLE_TYPES = /Article|BlogPosting|Posting|Report|WebPage|Review|Recipe|NewsArticle/;

/** Every JSON-LD object on the page (flattening @graph and arrays); bad JSON is skipped. */
export function jsonLdObjects(doc: Document): JsonObject[] {
  const out: JsonObject[] = [];
  for (const e of elements(doc)) {
    if (e.name !== 'script' || !/ld\+json/i.test(e.attribs.type ?? '')) continue;
    let v: Json;
    try {
      v = JSON.parse(textOf(e).trim()) as Json;
    } catch {
      continue;
    }
    const stack: Json[] = [v];
    while (stack.length && out.length < 200) {
      const x = stack.pop() as Json;
      if (Array.isArray(x)) stack.push(...x);
      else if (x && typeof x === 'object') {
        out.push(x);
        const g = x['@graph'];
        if (g) stack.push(g);
      }
    }
  }
  return out;
}

/** The object describing the page itself (an Article-like type), if any. */
export function mainJsonLd(objs: JsonObject[]): JsonObject | undefined {
  return (
    objs.find((o) => ARTICLE_TYPES.test(String(o['@type'] ?? '')) && (o.headline || o.datePublished)) ??
    objs.find((o) => ARTICLE_TYPES.test(String(o['@type'] ?? '')))
  );
}

/** A display string from a JSON-LD value that may be a string, an object with `name`, or a list. */
export function jsonName(v: Json | undefined): string | undefined {
  if (v == null) return undefined;
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v)) {
    const names = v.map(jsonName).filter((x): x is string => !!x);
    return names.length ? names.join(', ') : undefined;
  }
  if (typeof v === 'object') return jsonName(v.name as Json);
  return undefined;
}
