import { collapse, type Element, elements, textOf } from './dom.js';
import { absolute } from './metadata.js';

export interface Link {
  url: string;
  text: string;
  /** rel="nofollow": kept in the document, not followed by the crawler. */
  nofollow?: boolean;
}

/** Rewrites href/src below `roots` to absolute URLs (in place) so Markdown links work out of context. */
export function absolutizeLinks(roots: Element[], base: string | undefined): void {
  if (!base) return;
  for (const r of roots) {
    for (const e of [r, ...elements(r)]) {
      for (const k of ['href', 'src'] as const) {
        const v = e.attribs[k];
        if (v === undefined) continue;
        const a = /^(javascript|data):/i.test(v) ? null : absolute(v, base);
        if (a) e.attribs[k] = a;
        else delete e.attribs[k];
      }
    }
  }
}

/** Distinct http(s) links of the page (absolute), with their anchor text, in document order. */
export function collectLinks(root: Element | undefined, base: string | undefined, max = 5000): Link[] {
  const out: Link[] = [];
  if (!root) return out;
  const seen = new Set<string>();
  // an href met before was either refused or gave a URL now in `seen`: nothing to resolve again
  const hrefs = new Set<string>();
  for (const e of elements(root)) {
    if (e.name !== 'a') continue;
    const href = e.attribs.href;
    if (!href || href.startsWith('#') || hrefs.has(href)) continue;
    hrefs.add(href);
    const url = absolute(href, base);
    if (!url || !/^https?:/i.test(url)) continue;
    // an href is ASCII without line breaks (the URL serializer escapes the rest): its fragment is from the first '#'
    const hash = url.indexOf('#');
    const u = hash < 0 ? url : url.slice(0, hash);
    if (seen.has(u)) continue;
    seen.add(u);
    const nofollow = /\bnofollow\b/i.test(e.attribs.rel ?? '');
    const text = collapse(textOf(e)).slice(0, 200);
    out.push(nofollow ? { url: u, text, nofollow } : { url: u, text });
    if (out.length >= max) break;
  }
  return out;
}
