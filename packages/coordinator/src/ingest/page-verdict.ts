import { type Capture, tdmHeaderReserved } from '@sward/core';
import type { ExtractedDocument } from '@sward/extract';
import { headerSaysNoAi, metaSaysNoAi } from '../policy/noai.js';
import { type ExpandedFeed, FeedError, parseFeed } from './feed-expand.js';

type HtmlTools = typeof import('@sward/extract') & typeof import('@sward/core/rsl-html');
let htmlModules: Promise<HtmlTools> | undefined;
/**
 * The extractor and the RSL reader of HTML (htmlparser2, turndown, franc: ~120 modules) load with the first
 * HTML page a coordinator judges, not at its start: one that serves the API, the console or a build needs
 * none of them.
 */
const htmlTools = (): Promise<HtmlTools> => {
  htmlModules ??= Promise.all([import('@sward/extract'), import('@sward/core/rsl-html')]).then(
    ([extract, rsl]) => ({ ...extract, ...rsl }),
  );
  return htmlModules;
};

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
  /**
   * Decides on the publisher's signals found in the response (the job's purpose, robots.txt and the rest are
   * the caller's): a refusal skips the page before anything is stored. Without it, a TDMRep header or `noai`
   * refuses, as for every purpose a crawl had before purposes existed.
   */
  usage?: (signals: PageSignals) => UsageRefusal | null;
}

/** What a response says about its use, read from the signed headers and, for HTML, the page itself. */
export interface PageSignals {
  tdmHeader: boolean;
  noaiHeader: boolean;
  noaiMeta: boolean;
  /** RSL licences the HTML names: inline `<script type="application/rsl+xml">` texts and `<link>` URLs. */
  rslScripts: string[];
  rslLinks: string[];
}

export interface UsageRefusal {
  reason: string;
  detail: string;
  /** Not a refusal yet: something to read first (an RSL licence), then the page again. */
  retry?: true;
}

/** The refusal a crawl made before purposes existed: TDMRep header, then noai (header, then meta). */
function defaultUsage(s: PageSignals, headers: Capture['headers']): UsageRefusal | null {
  if (s.tdmHeader) return { reason: 'tdmrep', detail: 'tdm-reservation: 1 response header' };
  if (s.noaiHeader) return { reason: 'noai', detail: `X-Robots-Tag: ${headers['x-robots-tag']}` };
  if (s.noaiMeta) return { reason: 'noai', detail: '<meta name="robots" content="noai">' };
  return null;
}

const RSL_MARK = 'application/rsl+xml';

/** RSL references in HTML; the parse runs only when the media type appears at all (most pages: never). */
function htmlRsl(
  htmlRslRefs: HtmlTools['htmlRslRefs'],
  text: string,
  pageUrl: string,
): Pick<PageSignals, 'rslScripts' | 'rslLinks'> {
  if (!text.includes(RSL_MARK)) return { rslScripts: [], rslLinks: [] };
  const refs = htmlRslRefs(text, pageUrl);
  return {
    rslScripts: refs.flatMap((r) => (r.via === 'html-script' ? [r.xml] : [])),
    rslLinks: refs.flatMap((r) => (r.via === 'html-link' ? [r.url] : [])),
  };
}

const isHtml = (contentType: string | undefined) => !contentType || /html|xml\+xhtml/i.test(contentType);

/**
 * What to do with a page capture: retry 5xx, record 4xx, honour the publisher's opt-outs (TDMRep header,
 * noai in X-Robots-Tag or robots meta) before anything is stored, and collect links from stored HTML.
 * A 304 answers a conditional request of a live collection: the version held is still current.
 */
export async function pageVerdict(
  capture: Capture,
  body: Buffer,
  opts: VerdictOptions = {},
): Promise<PageVerdict> {
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
  const head: PageSignals = {
    tdmHeader: tdmHeaderReserved(headers['tdm-reservation']),
    noaiHeader: headerSaysNoAi(headers['x-robots-tag']),
    noaiMeta: false,
    rslScripts: [],
    rslLinks: [],
  };
  const refuse = (signals: PageSignals): PageVerdict | null => {
    const r = opts.usage ? opts.usage(signals) : defaultUsage(signals, headers);
    if (!r) return null;
    return { outcome: r.retry ? 'retry' : 'skipped', reason: r.reason, detail: r.detail };
  };
  const feeds = opts.feeds ?? 'never';
  const ct = headers['content-type'];
  // A URL queued as a feed may turn out to be a page (and a page source a feed): the answer decides.
  const asFeed = feeds !== 'never' && (looksLikeFeed(ct, body) || (feeds === 'expect' && !isHtml(ct)));
  if (asFeed || !isHtml(ct)) {
    const refused = refuse(head);
    if (refused) return refused;
  }
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
  if (!isHtml(ct)) return { outcome: 'stored', links: [], document: null };
  // A refusal in the headers needs no parse of the body.
  if (!opts.usage && (head.tdmHeader || head.noaiHeader)) return refuse(head) as PageVerdict;
  const { decodeHtml, extract, scanLinks, htmlRslRefs } = await htmlTools();
  const { text } = decodeHtml(body, ct);
  if (opts.extract === false) {
    const scan = scanLinks(text, capture.finalUrl);
    const refused = refuse({
      ...head,
      noaiMeta: metaSaysNoAi(scan.metaRobots),
      ...htmlRsl(htmlRslRefs, text, capture.finalUrl),
    });
    if (refused) return refused;
    return { outcome: 'stored', links: scan.links, document: null, extractLater: true };
  }
  // One parse serves the opt-out check, the frontier's links and the document. extract() never throws:
  // bad pages give an empty document with a reason, and the crawl goes on.
  const document = extract(text, { url: capture.finalUrl });
  const refused = refuse({
    ...head,
    noaiMeta: metaSaysNoAi(document.metaRobots),
    ...htmlRsl(htmlRslRefs, text, capture.finalUrl),
  });
  if (refused) return refused;
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
