import { gunzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Turns a collection source that lists pages (RSS 2.0 / RSS 1.0, Atom, sitemap.xml, sitemap index) into
 * the URLs to (re-)fetch, with the date the source gives for each so unchanged pages can be skipped.
 * Sources are fetched from the open web, so the input is untrusted: bad XML fails with a message that
 * says what and where, entity declarations are refused (no entity-expansion bombs), gzip is inflated with
 * a cap, and only absolute http(s) URLs come out.
 */
export type FeedKind = 'rss' | 'atom' | 'sitemap' | 'sitemap-index';

export interface FeedEntry {
  url: string;
  /** ISO 8601 (UTC) from lastmod / updated / published / pubDate / dc:date, when given and readable. */
  updated: string | null;
  title: string | null;
}

export interface ExpandedFeed {
  kind: FeedKind;
  /** Pages (rss, atom, sitemap) or child sitemaps to fetch and expand in turn (sitemap-index). */
  entries: FeedEntry[];
  /** Entries dropped, with why (not http(s), unparseable URL, duplicate, over maxEntries). */
  skipped: { value: string; reason: string }[];
}

export interface FeedOptions {
  /** Where the document was fetched from: base for relative links (Atom allows them). */
  baseUrl?: string;
  /** Cap on the (inflated) document size; the sitemap protocol allows 50 MB. Default 50 MiB. */
  maxBytes?: number;
  /** Cap on entries; the sitemap protocol allows 50,000. Default 50,000. */
  maxEntries?: number;
}

export type FeedErrorCode = 'empty' | 'too-large' | 'invalid-xml' | 'entities' | 'not-a-feed' | 'encoding';

export class FeedError extends Error {
  constructor(
    readonly code: FeedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FeedError';
  }
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 50_000;
const LISTS = new Set(['item', 'entry', 'url', 'sitemap', 'link']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => LISTS.has(name),
});

/** Parses a feed or sitemap. Throws FeedError (with a code) when the input is not one. */
export function parseFeed(input: string | Uint8Array, opts: FeedOptions = {}): ExpandedFeed {
  const xml = decode(input, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  if (!xml.trim()) throw new FeedError('empty', 'feed is empty');
  if (/<!ENTITY/i.test(xml))
    throw new FeedError(
      'entities',
      'feed declares XML entities (<!ENTITY>): refused, they can expand without bound',
    );
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    // the validator reports unclosed elements as "Invalid '[ "a", "b" ]' found." at line 1: say it plainly
    const open = msg.match(/^Invalid '\[(.*)\]' found/s)?.[1];
    if (open !== undefined) {
      const names = [...open.matchAll(/"([^"]+)"/g)].map((m) => `<${m[1]}>`).join(', ');
      throw new FeedError(
        'invalid-xml',
        `invalid XML: the document ends before closing ${names} (truncated?)`,
      );
    }
    const hint = /^\s*(<!doctype html|<html)/i.test(xml) ? ' (this is an HTML page, not a feed)' : '';
    throw new FeedError('invalid-xml', `invalid XML at line ${line}, column ${col}: ${msg}${hint}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw new FeedError('invalid-xml', `invalid XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const out = new Collector(opts);
  const body = obj(root ? doc[root] : undefined);
  switch (root) {
    case 'rss': {
      const channel = obj(body?.channel);
      if (!channel) throw new FeedError('not-a-feed', 'RSS document has no <channel>');
      for (const item of list(channel.item)) rssItem(out, obj(item));
      return out.result('rss');
    }
    case 'RDF': // RSS 1.0: items are siblings of the channel
      for (const item of list(body?.item)) rssItem(out, obj(item));
      return out.result('rss');
    case 'feed': {
      const base = attr(body, 'base') ?? opts.baseUrl;
      for (const e of list(body?.entry)) {
        const entry = obj(e);
        const href = atomLink(entry);
        out.add(
          href,
          text(entry?.updated) ?? text(entry?.published),
          text(entry?.title),
          attr(entry, 'base') ?? base,
        );
      }
      return out.result('atom');
    }
    case 'urlset':
      for (const u of list(body?.url)) out.add(text(obj(u)?.loc), text(obj(u)?.lastmod), null);
      return out.result('sitemap');
    case 'sitemapindex':
      for (const s of list(body?.sitemap)) out.add(text(obj(s)?.loc), text(obj(s)?.lastmod), null);
      return out.result('sitemap-index');
    default:
      throw new FeedError(
        'not-a-feed',
        root
          ? `not a feed or sitemap: root element <${root}> (expected <rss>, <rdf:RDF>, <feed>, <urlset> or <sitemapindex>)`
          : 'not a feed or sitemap: no root element',
      );
  }
}

function rssItem(out: Collector, item: Record<string, unknown> | undefined): void {
  if (!item) return;
  // <link> is the page; a guid is a URL only when it says so (isPermaLink defaults to true)
  let url = list(item.link)
    .map(text)
    .find((l) => l);
  const guid = item.guid;
  if (!url && guid !== undefined && attr(obj(guid), 'isPermaLink') !== 'false') url = text(guid);
  out.add(url ?? null, text(item.pubDate) ?? text(item.date) ?? text(item.updated), text(item.title));
}

function atomLink(entry: Record<string, unknown> | undefined): string | null {
  const links = list(entry?.link).map((l) => obj(l));
  const alt = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  return attr(alt, 'href') ?? null;
}

class Collector {
  readonly entries: FeedEntry[] = [];
  readonly skipped: { value: string; reason: string }[] = [];
  private readonly seen = new Set<string>();
  private readonly max: number;
  constructor(private readonly opts: FeedOptions) {
    this.max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  add(raw: string | null, date: string | null, title: string | null, base = this.opts.baseUrl): void {
    if (!raw) {
      this.skipped.push({ value: '', reason: 'no URL' });
      return;
    }
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      this.skipped.push({ value: raw, reason: base ? 'unparseable URL' : 'relative URL and no base URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.skipped.push({ value: raw, reason: `not http(s): ${url.protocol}` });
      return;
    }
    url.hash = '';
    const href = url.href;
    if (this.seen.has(href)) {
      this.skipped.push({ value: raw, reason: 'duplicate' });
      return;
    }
    if (this.entries.length >= this.max) {
      this.skipped.push({ value: raw, reason: `over maxEntries (${this.max})` });
      return;
    }
    this.seen.add(href);
    this.entries.push({ url: href, updated: isoDate(date), title });
  }

  result(kind: FeedKind): ExpandedFeed {
    return { kind, entries: this.entries, skipped: this.skipped };
  }
}

/** W3C datetime (sitemaps, Atom) and RFC 822 (RSS) both parse with Date; anything else is dropped. */
function isoDate(s: string | null): string | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function decode(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw new FeedError('too-large', `feed is larger than ${maxBytes} bytes`);
    return input.replace(/^\uFEFF/, '');
  }
  let bytes = input;
  // sitemap.xml.gz is common; inflate with a cap so a small bomb cannot fill memory
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      const big = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw big
        ? new FeedError('too-large', `gzipped feed inflates past ${maxBytes} bytes`)
        : new FeedError('invalid-xml', `gzipped feed is corrupt: ${(e as Error).message}`);
    }
  }
  if (bytes.length > maxBytes) throw new FeedError('too-large', `feed is larger than ${maxBytes} bytes`);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared =
    head.match(/^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(declared, { ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FeedError('encoding', `feed declares an unknown encoding "${declared}"`);
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const attr = (o: Obj | undefined, name: string): string | undefined => {
  const v = o?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
};
/** Element text, whether the parser gave a plain string or an object with attributes and #text. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  const o = obj(v);
  if (o && typeof o['#text'] === 'string') return o['#text'].trim() || null;
  return null;
}
