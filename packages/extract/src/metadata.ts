import { AUTHOR_HREF, bylineOf, cleanByline, isBylineBox, opensWithBy, shortText } from './byline.js';
import { type DateSource, dateInText, dateInUrl, toIso } from './dates.js';
import {
  type AnyNode,
  attr,
  collapse,
  type Document,
  type Element,
  elements,
  parseHtml,
  textOf,
} from './dom.js';
import { type Json, type JsonObject, jsonLdObjects, jsonName, mainJsonLd } from './json-ld.js';
import { step } from './work.js';

export { type DateSource, toIso } from './dates.js';

export interface Metadata {
  title: string | null;
  byline: string | null;
  published: string | null;
  /** Where `published` was read (JSON-LD, a meta tag, a <time>, the visible text, the URL); null with it. */
  publishedSource: DateSource | null;
  siteName: string | null;
  description: string | null;
  canonicalUrl: string | null;
  htmlLang: string | null;
  /** Open Graph `og:type` (e.g. "article", "product"), for page-type recognition. */
  ogType: string | null;
  /** `<meta name="robots">` and `<meta name="SwardBot">` tags, for the crawler's opt-out checks (noai…). */
  metaRobots: { name: string; content: string }[];
  /** The page's first <base> element (read in the same walk), for what relative links mean. */
  base: Element | null;
}

// meta names that carry the author's name (article:author is often a profile URL: skipped then)
const AUTHOR_META = [
  'author',
  'article:author',
  'byl',
  'dc.creator',
  'dcterms.creator',
  'parsely-author',
  'sailthru.author',
  'cxenseparse:author',
  'citation_author',
];
const DATE_META = [
  'article:published_time',
  'og:published_time',
  'og:article:published_time',
  'datepublished',
  'pubdate',
  'publishdate',
  'publish_date',
  'publish-date',
  'dc.date',
  'dc.date.issued',
  'dcterms.date',
  'dcterms.issued',
  'dcterms.created',
  'date',
  'sailthru.date',
  'parsely-pub-date',
  'citation_publication_date',
  'citation_date',
];
// any other meta name that says it is a publication or creation date ("og:publish_date", "ms.date",
// "w-published-date"), never a modification one
const DATE_META_LIKE =
  /(?:^|[:._-])(?:publish(?:ed)?|pub|creat(?:ed|ion)|release|issued)?[_-]?(?:date|time)$/;
const MODIFIED = /modif|updat|revis|aktualisiert|mis à jour|actualizado/i;
// class or id of a box holding the post's date ("entry-date", "post-meta", "published", "dateline")
const DATE_BOX = /date|time|publish|posted|meta|byline|dateline/i;
// how many candidate boxes a page contributes: the byline sits near the top, and the cap keeps a page of
// ten thousand "author" boxes (a forum) from costing more than a few
const MAX_CANDIDATES = 24;

/** Page metadata from <meta>, <link>, JSON-LD, microdata and bylines; read before the tree is cleaned. */
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
  let h1El: Element | null = null;
  let base: Element | null = null;
  const metaRobots: { name: string; content: string }[] = [];
  // <time datetime> values, <time> texts and dated boxes, with their positions as for bylines
  const times: { text: string; at: number }[] = [];
  const timeTexts: { text: string; at: number }[] = [];
  let itempropDate: string | null = null;
  let itempropAuthor: string | null = null;
  let dataAuthor: string | null = null;
  let relAuthor: string | null = null;
  let metaDateLike: string | null = null;
  // visible bylines, by kind (0 a byline box, 1 a "By …" line, 2 a link to an author page), with their
  // element's position in document order
  const visible: { kind: number; text: string; at: number }[] = [];
  let at = 0;
  let h1At = -1;
  const pageHost = hostOf(pageUrl);
  const dateBoxes: { text: string; at: number }[] = [];
  for (const e of elements(doc)) {
    at++;
    switch (e.name) {
      case 'html':
        htmlLang ??= attr(e, 'lang') || null;
        break;
      case 'base':
        base ??= e;
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
        if (v && !metaDateLike && DATE_META_LIKE.test(k) && !MODIFIED.test(k)) metaDateLike = v;
        break;
      }
      case 'link':
        if (/\bcanonical\b/i.test(attr(e, 'rel')) && attr(e, 'href')) canonical ??= attr(e, 'href');
        if (/\bauthor\b/i.test(attr(e, 'rel'))) relAuthor ??= collapse(textOf(e)) || null;
        break;
      case 'h1':
        if (!h1) {
          h1 = collapse(textOf(e));
          if (h1) {
            h1El = e;
            h1At = at;
          }
        }
        break;
      case 'time': {
        const label = `${attr(e, 'class')} ${attr(e, 'itemprop')}`;
        if (MODIFIED.test(label)) break;
        const dt = attr(e, 'datetime');
        if (dt && times.length < MAX_CANDIDATES) times.push({ text: dt, at });
        const t = !dt && timeTexts.length < MAX_CANDIDATES ? shortText(e) : null;
        if (t) timeTexts.push({ text: t, at });
        break;
      }
      case 'a':
        if (/\bauthor\b/i.test(attr(e, 'rel'))) relAuthor ??= collapse(textOf(e)) || null;
        if (visible.length < MAX_CANDIDATES && isAuthorLink(attr(e, 'href'), pageHost) && !inChrome(e)) {
          const t = shortText(e, 80, 12);
          if (t) visible.push({ kind: 2, text: t, at });
        }
        break;
      case 'script':
      case 'style':
        continue;
      default:
        break;
    }
    const ip = e.attribs.itemprop;
    if (ip === 'datePublished')
      itempropDate ??= attr(e, 'datetime') || attr(e, 'content') || collapse(textOf(e));
    if (ip === 'author' && !itempropAuthor) itempropAuthor = authorText(e);
    // forum software marks each post with its author's name (XenForo's data-author): the first is the
    // thread's starter, whose post the page is about
    if (!dataAuthor && e.attribs['data-author']) dataAuthor = e.attribs['data-author'];
    if (e.name === 'html' || e.name === 'body' || e.name === 'meta') continue;
    // class and id read once, and only when short: utility-class soups of hundreds of characters
    // name no byline, and testing them on every element is most of this walk's cost
    const { class: cls, id } = e.attribs;
    const label = cls || id ? (id ? `${cls ?? ''} ${id}` : (cls as string)) : '';
    if (label && label.length < 300) {
      if (visible.length < MAX_CANDIDATES && isBylineBox(label) && !inChrome(e)) {
        const t = bylineOf(e);
        if (t) visible.push({ kind: 0, text: t, at });
      }
      if (dateBoxes.length < MAX_CANDIDATES && DATE_BOX.test(label)) {
        const t = shortText(e);
        if (t) dateBoxes.push({ text: t, at });
      }
    }
    if (visible.length < MAX_CANDIDATES && opensWithBy(e) && !inChrome(e)) {
      const t = shortText(e);
      if (t) visible.push({ kind: 1, text: t, at });
    }
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
  const siteName = m('og:site_name', 'application-name', 'twitter:site') ?? publisher ?? null;

  const sites = [siteName, publisher ?? null, m('application-name'), siteOfHost(pageUrl)];
  const title = withoutSiteName(
    pickTitle(ldStr('headline') ?? m('og:title', 'twitter:title', 'dc.title') ?? (titleTag || null), h1),
    sites,
  );
  const clean = (v: string | null | undefined) => cleanByline(v, sites);
  const declaredBy =
    clean(ldAuthor(ld, ldObjects)) ??
    firstOf(
      AUTHOR_META.map((k) => meta.get(k)),
      clean,
    ) ??
    clean(twitterLabelled(meta, /written by|author|autor|auteur/i)) ??
    clean(dataAuthor) ??
    clean(itempropAuthor) ??
    clean(relAuthor);
  // a declared author that is the site itself ("Rapid7" on rapid7.com) gives way to a person's byline
  // under the headline
  const siteKeys = new Set(sites.filter((x): x is string => !!x).map(squash));
  const byline =
    declaredBy && !siteKeys.has(squash(declaredBy))
      ? declaredBy
      : (visibleByline(visible, h1At, clean) ?? declaredBy);

  const lang = htmlLang;
  const published =
    dated(ldDate(ld, ldObjects), 'json-ld') ??
    dated(m(...DATE_META) ?? metaDateLike, 'meta tag') ??
    dated(itempropDate, 'microdata') ??
    dated(firstOf(nearHeadline(times, h1At), toIso), 'time element') ??
    dated(
      firstOf(nearHeadline(timeTexts, h1At), (t) => dateInText(t, lang)),
      'visible text',
    ) ??
    dated(
      firstOf(nearHeadline(dateBoxes, h1At), (t) => (MODIFIED.test(t) ? null : dateInText(t, lang))),
      'visible text',
    ) ??
    dated(h1El && dateInText(textAfter(h1El, 300, 120), lang), 'visible text') ??
    dated(dateInUrl(pageUrl), 'url');
  const can = canonical ?? m('og:url');
  return {
    title: title ? collapse(title) : null,
    byline,
    published: published?.value ?? null,
    publishedSource: published?.source ?? null,
    siteName,
    description: m('description', 'og:description', 'twitter:description') ?? ldStr('description'),
    canonicalUrl: can ? absolute(can, pageUrl) : null,
    htmlLang,
    ogType: m('og:type'),
    metaRobots,
    base,
  };
}

// a byline sits by its headline: just above it, or within the next few hundred elements (a long sidebar
// or a biography at the foot of the page is further away)
const BEFORE = 40;
const AFTER = 400;
function visibleByline(
  visible: { kind: number; text: string; at: number }[],
  h1At: number,
  clean: (v: string) => string | null,
): string | null {
  const near = visible.filter((v) => isNear(v.at, h1At));
  for (const kind of [0, 1, 2]) {
    const v = firstOf(
      near.filter((c) => c.kind === kind).map((c) => c.text),
      clean,
    );
    if (v) return v;
  }
  return null;
}

const isNear = (at: number, h1At: number) => h1At < 0 || (at >= h1At - BEFORE && at <= h1At + AFTER);

/** The texts of candidates near the headline, in document order. */
function nearHeadline(cands: { text: string; at: number }[], h1At: number): string[] {
  return cands.filter((c) => isNear(c.at, h1At)).map((c) => c.text);
}

function hostOf(url: string | undefined): string | null {
  try {
    return url ? new URL(url).host : null;
  } catch {
    return null;
  }
}

/** A link to an author's page on this site (a profile elsewhere, a Bluesky share, is not a byline). */
function isAuthorLink(href: string, pageHost: string | null): boolean {
  if (!AUTHOR_HREF.test(href)) return false;
  if (!/^https?:/i.test(href)) return true;
  return hostOf(href) === pageHost;
}

// navigation, menus and filters: "By Category", "Shop by Brand" are not bylines
const CHROME = /\b(?:nav|menu|dropdown|filter|breadcrumb|footer|sidebar|widget)/i;
function inChrome(e: Element): boolean {
  let p: Element | null = e;
  for (let i = 0; p && i < 12; i++, p = p.parent as Element | null) {
    step();
    if (p.type !== 'tag') return false;
    if (p.name === 'nav' || p.name === 'footer' || p.name === 'button' || p.name === 'select') return true;
    if (CHROME.test(`${p.attribs.class ?? ''} ${p.attribs.id ?? ''}`.slice(0, 300))) return true;
  }
  return false;
}

function firstOf<T>(xs: (T | null | undefined)[], f: (x: T) => string | null): string | null {
  for (const x of xs) {
    if (x == null) continue;
    const v = f(x);
    if (v) return v;
  }
  return null;
}

function dated(
  raw: string | null | undefined,
  source: DateSource,
): { value: string; source: DateSource } | null {
  const value = toIso(raw);
  return value ? { value, source } : null;
}

// schema.org types whose author and dates are the page's (not a comment's, a review's or an offer's)
const PAGE_TYPES = /Article|BlogPosting|Posting|Report|WebPage|Recipe|NewsArticle|CreativeWork|HowTo/;

/** The page object's author, else the first page-like object's that names one (Yoast puts it on the Article, the WebPage comes first). */
function ldAuthor(main: JsonObject | undefined, objs: JsonObject[]): string | null {
  const name = (o: JsonObject | undefined) => (o ? (jsonName(o.author as Json) ?? null) : null);
  return (
    name(main) ??
    firstOf(
      objs.filter((o) => PAGE_TYPES.test(String(o['@type'] ?? ''))),
      (o) => name(o),
    )
  );
}

/**
 * The page's datePublished from a work's object (Article, BlogPosting, Recipe, …). A bare WebPage's
 * (or CollectionPage's, ItemPage's) is when the CMS made the page, not when something was published:
 * SEO plugins stamp one on every product, service and category page, and give a post an Article of its own.
 */
function ldDate(main: JsonObject | undefined, objs: JsonObject[]): string | null {
  const date = (o: JsonObject | undefined) =>
    o && typeof o.datePublished === 'string' && !/Page\b/.test(String(o['@type'] ?? ''))
      ? o.datePublished
      : null;
  return (
    date(main) ??
    firstOf(
      objs.filter((o) => PAGE_TYPES.test(String(o['@type'] ?? ''))),
      (o) => date(o),
    )
  );
}

/** Yoast's `twitter:label1` "Written by" / `twitter:data1` "Jane Doe" pairs. */
function twitterLabelled(meta: Map<string, string>, label: RegExp): string | null {
  for (let i = 1; i <= 4; i++) {
    if (label.test(meta.get(`twitter:label${i}`) ?? '')) return meta.get(`twitter:data${i}`) ?? null;
  }
  return null;
}

/**
 * The text that follows `e` in document order (its next siblings, then its ancestors' next siblings), up
 * to `maxChars` characters or `maxNodes` nodes: the line under a headline, where a byline's date sits.
 */
function textAfter(e: Element, maxChars: number, maxNodes: number): string {
  const out: string[] = [];
  let len = 0;
  let nodes = 0;
  let cur: AnyNode | null = e;
  while (cur && len < maxChars && nodes < maxNodes) {
    let next: AnyNode | null = cur.next;
    while (!next && cur.parent) {
      cur = cur.parent;
      next = cur.next;
    }
    if (!next) break;
    const stack: AnyNode[] = [next];
    while (stack.length && len < maxChars && nodes < maxNodes) {
      const c = stack.pop() as AnyNode;
      step();
      nodes++;
      if (c.type === 'text') {
        const d = (c as { data: string }).data;
        out.push(d);
        len += d.length;
      } else if (c.type === 'tag' && (c as Element).name !== 'script' && (c as Element).name !== 'style') {
        const ch = (c as Element).children;
        for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i] as AnyNode);
      }
    }
    cur = next;
  }
  return collapse(out.join(' ')).slice(0, maxChars);
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
  // Sphinx and MkDocs put a "¶" permalink inside every heading
  const h = decodeTwice(h1).replace(/\s*[¶§#]$/, '');
  if (!d) return h || null;
  if (h && h.length >= 4 && h.length <= 300 && overlap(h, d) >= 0.6) return h;
  return d;
}

const TITLE_PARTS = /\s+[|–—·»•:]\s+|\s+-\s+/;
const squash = (x: string) => x.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The title without a part that is the site's name, first or last ("Linear – The system for product
 * development", "Catering Tips | Cookshack"): the name is the publisher's, not the page's.
 */
function withoutSiteName(title: string | null, sites: (string | null)[]): string | null {
  if (!title) return title;
  const names = new Set(
    sites
      .filter((x): x is string => !!x)
      .map(squash)
      .filter((x) => x.length >= 3),
  );
  if (!names.size) return title;
  const parts = title.split(TITLE_PARTS);
  if (parts.length < 2) return title;
  const seps = title.match(new RegExp(TITLE_PARTS.source, 'g')) ?? [];
  const last = parts[parts.length - 1] as string;
  const first = parts[0] as string;
  // what is left must say more than "Home" or "Shop"
  const keep = (rest: string) => (rest.trim().includes(' ') ? rest : title);
  if (names.has(squash(last)))
    return keep(title.slice(0, title.length - last.length - (seps.at(-1) ?? '').length));
  if (names.has(squash(first))) return keep(title.slice(first.length + (seps[0] ?? '').length));
  return title;
}

/** "example" for https://www.example.co.uk/…: a site's name as its address spells it. */
function siteOfHost(url: string | undefined): string | null {
  const host = hostOf(url);
  if (!host) return null;
  const labels = host.replace(/^www\d?\./, '').split('.');
  // the label before the public suffix: two labels from the end, three for "co.uk"-like suffixes
  const i =
    labels.length >= 3 && /^(?:co|com|org|net|ac|gov)$/.test(labels[labels.length - 2] as string) ? 3 : 2;
  return labels[labels.length - i] ?? null;
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

export function absolute(href: string, base: string | undefined): string | null {
  try {
    return new URL(href, base).href;
  } catch {
    return null;
  }
}
