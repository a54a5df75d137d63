import { attr, collapse, type Document, type Element, elements, parseHtml, textOf } from './dom.js';
import { type Json, type JsonObject, jsonLdObjects, jsonName, mainJsonLd } from './json-ld.js';

export interface Metadata {
  title: string | null;
  byline: string | null;
  published: string | null;
  siteName: string | null;
  description: string | null;
  canonicalUrl: string | null;
  htmlLang: string | null;
  /** Open Graph `og:type` (e.g. "article", "product"), for page-type recognition. */
  ogType: string | null;
  /** `<meta name="robots">` and `<meta name="SwardBot">` tags, for the crawler's opt-out checks (noai…). */
  metaRobots: { name: string; content: string }[];
}

/** Page metadata from <meta>, <link>, JSON-LD and microdata; read before the tree is cleaned. */
export function readMetadata(
  doc: Document,
  pageUrl: string | undefined,
  ldObjects: JsonObject[] = jsonLdObjects(doc),
): Metadata {
  const meta = new Map<string, string>();
  let canonical: string | null = null;
  let titleTag = '';
  let htmlLang: string | null = null;
  let h1 = '';
  const metaRobots: { name: string; content: string }[] = [];
  let timeEl: string | null = null;
  let itempropDate: string | null = null;
  let itempropAuthor: string | null = null;
  let relAuthor: string | null = null;
  for (const e of elements(doc)) {
    switch (e.name) {
      case 'html':
        htmlLang ??= attr(e, 'lang') || null;
        break;
      case 'title':
        titleTag ||= collapse(textOf(e));
        break;
      case 'meta': {
        const k = (attr(e, 'property') || attr(e, 'name') || attr(e, 'itemprop')).toLowerCase();
        const v = attr(e, 'content');
        if (k && v && !meta.has(k)) meta.set(k, collapse(v));
        if ((k === 'robots' || k === 'swardbot') && v) metaRobots.push({ name: k, content: v });
        if (attr(e, 'itemprop') === 'datePublished' && v) itempropDate ??= v;
        if (attr(e, 'http-equiv').toLowerCase() === 'content-language' && v) htmlLang ??= v;
        break;
      }
      case 'link':
        if (/\bcanonical\b/i.test(attr(e, 'rel')) && attr(e, 'href')) canonical ??= attr(e, 'href');
        if (/\bauthor\b/i.test(attr(e, 'rel'))) relAuthor ??= collapse(textOf(e)) || null;
        break;
      case 'h1':
        h1 ||= collapse(textOf(e));
        break;
      case 'time':
        timeEl ??= attr(e, 'datetime') || null;
        break;
      case 'a':
        if (/\bauthor\b/i.test(attr(e, 'rel'))) relAuthor ??= collapse(textOf(e)) || null;
        break;
      default:
        break;
    }
    const ip = e.attribs.itemprop;
    if (ip === 'datePublished')
      itempropDate ??= attr(e, 'datetime') || attr(e, 'content') || collapse(textOf(e));
    if (ip === 'author' && !itempropAuthor) itempropAuthor = authorText(e);
  }
  const ld = mainJsonLd(ldObjects);
  const m = (...keys: string[]) => {
    for (const k of keys) {
      const v = meta.get(k);
      if (v) return v;
    }
    return null;
  };
  const ldStr = (k: string) => (ld ? jsonName(ld[k] as Json) : undefined) ?? null;
  const publisher = ld ? jsonName(ld.publisher as Json) : undefined;

  const title = pickTitle(
    ldStr('headline') ?? m('og:title', 'twitter:title', 'dc.title') ?? (titleTag || null),
    h1,
  );
  const byline =
    ldStr('author') ??
    m('author', 'article:author', 'byl', 'dc.creator', 'parsely-author', 'sailthru.author') ??
    itempropAuthor ??
    relAuthor;
  const dateRaw =
    ldStr('datePublished') ??
    m(
      'article:published_time',
      'og:published_time',
      'datepublished',
      'pubdate',
      'publishdate',
      'dc.date',
      'dc.date.issued',
      'date',
      'sailthru.date',
      'parsely-pub-date',
    ) ??
    itempropDate ??
    timeEl;
  const can = canonical ?? m('og:url');
  return {
    title: title ? collapse(title) : null,
    byline: byline && !/^https?:\/\//.test(byline) ? collapse(byline).replace(/^by\s+/i, '') : null,
    published: toIso(dateRaw),
    siteName: m('og:site_name', 'application-name', 'twitter:site') ?? publisher ?? null,
    description: m('description', 'og:description', 'twitter:description') ?? ldStr('description'),
    canonicalUrl: can ? absolute(can, pageUrl) : null,
    htmlLang,
    ogType: m('og:type'),
    metaRobots,
  };
}

function authorText(e: Element): string | null {
  const name = [...elements(e)].find((c) => c.attribs.itemprop === 'name');
  const t = collapse(textOf(name ?? e));
  return t && t.length < 120 ? t : null;
}

/**
 * The page's title: the declared one (JSON-LD headline, og:title, <title>) without a site-name suffix, or
 * the first <h1> when it is a version of that title (same words mostly): the h1 is what the reader sees, the
 * declared title is often rewritten for search ("Best X in 2025 – Top 10 Picks"). Entities a CMS encoded
 * twice ("&amp;#8211;") are decoded.
 */
function pickTitle(declared: string | null, h1: string): string | null {
  const d = declared ? cleanTitle(decodeTwice(declared)) : '';
  const h = decodeTwice(h1);
  if (!d) return h || null;
  if (h && h.length >= 4 && h.length <= 300 && overlap(h, d) >= 0.6) return h;
  return d;
}

const WORDS = /[\p{L}\p{N}]+/gu;
function overlap(a: string, b: string): number {
  const wa = a.toLowerCase().match(WORDS) ?? [];
  const wb = new Set(b.toLowerCase().match(WORDS) ?? []);
  if (!wa.length) return 0;
  return wa.filter((w) => wb.has(w)).length / wa.length;
}

function decodeTwice(s: string): string {
  if (!/&(#\d+|#x[0-9a-f]+|[a-z]+\d*);/i.test(s)) return s;
  return collapse(textOf(parseHtml(`<p>${s.replace(/</g, '&lt;')}</p>`).doc));
}

function cleanTitle(t: string): string {
  // "Story title | Site" -> "Story title" when the left part is long enough to be the title, or the right
  // part short enough to be a site's name ("Dental Care | ONE Health Ohio")
  const parts = t.split(/\s+[|–—·»•]\s+|\s+-\s+/);
  const left = parts[0] ?? '';
  const right = parts.slice(1).join(' ');
  if (left.length >= 15) return left;
  if (left.includes(' ') && right && right.split(/\s+/).length <= 4) return left;
  return t;
}

/** ISO 8601 from the formats pages actually use; null when the value is not a date. */
export function toIso(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.trim();
  const full =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?/.exec(s);
  if (full) {
    const [, y, mo, d, h, mi, se, tz] = full;
    if (!h) return `${y}-${mo}-${d}`;
    const zone = tz ? (tz === 'Z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz) : '';
    const local = `${y}-${mo}-${d}T${h}:${mi}:${se ?? '00'}${zone}`;
    if (!zone) return local;
    const t = Date.parse(local);
    return Number.isNaN(t) ? local : new Date(t).toISOString();
  }
  if (/^\d{4}\/\d{2}\/\d{2}/.test(s)) return s.slice(0, 10).replace(/\//g, '-');
  const t = Date.parse(s);
  if (!Number.isNaN(t) && /\d{4}/.test(s)) return new Date(t).toISOString();
  return null;
}

export function absolute(href: string, base: string | undefined): string | null {
  try {
    return new URL(href, base).href;
  } catch {
    return null;
  }
}
