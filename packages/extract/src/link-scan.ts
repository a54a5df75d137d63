import { Parser } from 'htmlparser2';
import { absolute } from './metadata.js';

/** What the crawler needs from a page before it is stored: its followable links and its robots meta tags. */
export interface LinkScan {
  /** Absolute http(s) URLs without fragment, de-duplicated, in document order; rel="nofollow" left out. */
  links: string[];
  /** `<meta name="robots">` and `<meta name="SwardBot">` tags, as extract() reports them. */
  metaRobots: { name: string; content: string }[];
}

interface Anchor {
  href: string;
  rel: string;
  inBody: boolean;
  inHtml: boolean;
}

/**
 * The links and robots meta tags of a page from one pass of htmlparser2's tokenizer, with no tree, no main
 * text, no Markdown: what the capture path needs so that extraction can run later, off it. It follows the
 * extractor's rules (links.ts collectLinks over extract.ts's choice of root and base) so the frontier gets the
 * links the document lists: anchors below the first <body> (else <html>, else the whole page), resolved
 * against the first <base href> (a bad one is ignored), first occurrence of a URL decides whether it is
 * nofollow, at most `max` distinct links. Pages the extractor cuts or flattens (over 4 Mi characters,
 * nesting deeper than 200) may give more links here than in their document.
 */
export function scanLinks(html: string, pageUrl: string, max = 5000): LinkScan {
  const anchors: Anchor[] = [];
  const metaRobots: { name: string; content: string }[] = [];
  let baseHref: string | undefined;
  let depth = 0;
  let bodyAt = -1; // depth of the first <body> while inside it
  let bodySeen = false;
  let htmlAt = -1;
  let htmlSeen = false;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth++;
        if (name === 'body' && !bodySeen) {
          bodySeen = true;
          bodyAt = depth;
        } else if (name === 'html' && !htmlSeen) {
          htmlSeen = true;
          htmlAt = depth;
        } else if (name === 'a') {
          const href = attribs.href;
          if (href) anchors.push({ href, rel: attribs.rel ?? '', inBody: bodyAt > 0, inHtml: htmlAt > 0 });
        } else if (name === 'base') {
          baseHref ??= attribs.href;
        } else if (name === 'meta') {
          const k = (attribs.property || attribs.name || attribs.itemprop || '').toLowerCase();
          const v = attribs.content;
          if ((k === 'robots' || k === 'swardbot') && v) metaRobots.push({ name: k, content: v });
        }
      },
      onclosetag() {
        if (depth === bodyAt) bodyAt = -1;
        if (depth === htmlAt) htmlAt = -1;
        depth--;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  let base = pageUrl;
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      base = pageUrl;
    }
  }
  const root = bodySeen ? 'inBody' : htmlSeen ? 'inHtml' : null;
  const seen = new Set<string>();
  const links: string[] = [];
  for (const a of anchors) {
    if (root && !a[root]) continue;
    if (a.href.startsWith('#')) continue;
    const url = absolute(a.href, base);
    if (!url || !/^https?:/i.test(url)) continue;
    const u = url.replace(/#.*$/, '');
    if (seen.has(u)) continue;
    seen.add(u);
    if (!/\bnofollow\b/i.test(a.rel)) links.push(u);
    if (seen.size >= max) break;
  }
  return { links, metaRobots };
}
