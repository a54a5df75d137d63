import { type Capture, tdmHeaderReserved } from '@sward/core';
import { decodeHtml, type ExtractedDocument, extract, scanLinks } from '@sward/extract';
import { headerSaysNoAi, metaSaysNoAi } from '../policy/noai.js';
import { type ExpandedFeed, FeedError, parseFeed } from './feed-expand.js';

export type PageVerdict =
  | {
      outcome: 'stored';
      links: string[];
      document: ExtractedDocument | null;
      feed?: ExpandedFeed;
      /** HTML whose document the extraction workers make later (VerdictOptions.extract false). */
      extractLater?: boolean;
    }
  | { outcome: 'unchanged' }
  | { outcome: 'skipped'; reason: string; detail: string }
  | { outcome: 'failed'; reason: string; detail: string }
  | { outcome: 'retry'; reason: string; detail: string };

export interface VerdictOptions {
  /**
   * Live collections: 'expect' for a URL queued as a feed or sitemap, 'sniff' for a source of unknown
   * type (a feed is recognised by its content type or first bytes), 'never' (default) for everything else.
   */
  feeds?: 'expect' | 'sniff' | 'never';
  /**
   * Extract the document now (default true: live collections chunk it in the same transaction). False is the
   * crawl's light path: one tokenizer pass for links and robots meta tags, the document made off the
   * capture path by the extraction workers (ingest/extraction-pool.ts).
   */
  extract?: boolean;
}

const isHtml = (contentType: string | undefined) => !contentType || /html|xml\+xhtml/i.test(contentType);

/**
 * What to do with a page capture: retry 5xx, record 4xx, honour the publisher's opt-outs (TDMRep header,
 * noai in X-Robots-Tag or robots meta) before anything is stored, and collect links from stored HTML.
 * A 304 answers a conditional request of a live collection: the version held is still current.
 */
export function pageVerdict(capture: Capture, body: Buffer, opts: VerdictOptions = {}): PageVerdict {
  const { status, headers } = capture;
  if (status >= 500)
    return { outcome: 'retry', reason: `http_${status}`, detail: `server answered ${status}` };
  if (status >= 400) return { outcome: 'failed', reason: `http_${status}`, detail: `answered ${status}` };
  if (status === 304) return { outcome: 'unchanged' };
  if (status >= 300) {
    // The node follows redirects itself and stops after too many hops; a repeated URL means a loop.
    const urls = [...capture.redirects.map((h) => h.url), capture.finalUrl];
    let next: string | null = null;
    try {
      next = headers.location ? new URL(headers.location, capture.finalUrl).href : null;
    } catch {
      next = null;
    }
    const loop = new Set(urls).size < urls.length || (next !== null && urls.includes(next));
    return {
      outcome: 'failed',
      reason: loop ? 'redirect_loop' : 'too_many_redirects',
      detail: `still ${status} after ${urls.length - 1} redirects`,
    };
  }
  if (tdmHeaderReserved(headers['tdm-reservation']))
    return { outcome: 'skipped', reason: 'tdmrep', detail: 'tdm-reservation: 1 response header' };
  if (headerSaysNoAi(headers['x-robots-tag']))
    return { outcome: 'skipped', reason: 'noai', detail: `X-Robots-Tag: ${headers['x-robots-tag']}` };
  const feeds = opts.feeds ?? 'never';
  const ct = headers['content-type'];
  // A URL queued as a feed may turn out to be a page (and a page source a feed): the answer decides.
  const asFeed = feeds !== 'never' && (looksLikeFeed(ct, body) || (feeds === 'expect' && !isHtml(ct)));
  if (asFeed) {
    try {
      return {
        outcome: 'stored',
        links: [],
        document: null,
        feed: parseFeed(body, { baseUrl: capture.finalUrl }),
      };
    } catch (e) {
      if (!(e instanceof FeedError)) throw e;
      return { outcome: 'failed', reason: 'bad_feed', detail: e.message };
    }
  }
  if (!isHtml(headers['content-type'])) return { outcome: 'stored', links: [], document: null };
  if (opts.extract === false) {
    const { text } = decodeHtml(body, headers['content-type']);
    const scan = scanLinks(text, capture.finalUrl);
    if (metaSaysNoAi(scan.metaRobots))
      return { outcome: 'skipped', reason: 'noai', detail: '<meta name="robots" content="noai">' };
    return { outcome: 'stored', links: scan.links, document: null, extractLater: true };
  }
  // One parse serves the opt-out check, the frontier's links and the document. extract() never throws:
  // bad pages give an empty document with a reason, and the crawl goes on.
  const { text } = decodeHtml(body, headers['content-type']);
  const document = extract(text, { url: capture.finalUrl });
  if (metaSaysNoAi(document.metaRobots))
    return { outcome: 'skipped', reason: 'noai', detail: '<meta name="robots" content="noai">' };
  const links = document.links.filter((l) => !l.nofollow).map((l) => l.url);
  return { outcome: 'stored', links, document };
}

const FEED_TYPE = /(^|[/+])(rss|atom|xml)\b|gzip/i;
const FEED_ROOT =
  /^(?:\uFEFF)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:rss|feed|urlset|sitemapindex|rdf:RDF)\b/;

/** An XML feed or sitemap by its content type (and not XHTML), or by its root element; gzip counts too. */
export function looksLikeFeed(contentType: string | undefined, body: Buffer): boolean {
  if (body[0] === 0x1f && body[1] === 0x8b) return true;
  if (contentType && FEED_TYPE.test(contentType) && !/xhtml/i.test(contentType)) return true;
  return FEED_ROOT.test(body.subarray(0, 2048).toString('utf8'));
}
