/** Why a polite, consent-respecting crawler must not store a URL. */
export type SkipReason =
  | 'robots-txt' // disallowed for SwardBot: must not even be fetched
  | 'tdmrep-json' // covered by /.well-known/tdmrep.json with tdm-reservation 1: need not be fetched
  | 'noai-meta' // <meta name="robots" content="noai">: seen only after fetching
  | 'noai-header' // X-Robots-Tag: noai
  | 'tdm-reservation-header'; // tdm-reservation: 1 response header

export type FailReason = 'http-404' | 'redirect-loop';

/**
 * Ground truth about a sample site, all URLs absolute and in normalised form (see core's
 * normalizeUrl). `stored`, `skipped` and `failed` are disjoint and together make `total`.
 */
export interface SampleSiteFacts {
  origin: string;
  /** The product token robots.txt names. */
  userAgent: 'SwardBot';
  /** Crawl-delay in seconds robots.txt gives SwardBot, or null when politeness is off. */
  crawlDelay: number | null;
  /** Every URL a crawler should fetch with a 2xx and keep, including the slow page, the page that
   * fails once, the redirect chain's target, duplicates (dedup is a later stage) and non-HTML files. */
  stored: string[];
  skipped: { url: string; reason: SkipReason }[];
  failed: { url: string; reason: FailReason }[];
  total: number;
  /** Generated article pages (the `pages` option). */
  articles: string[];
  /** Links that start a redirect chain, and where they end up (the target is in `stored`). */
  redirects: { from: string; to: string; hops: number }[];
  slow: { url: string; delayMs: number };
  /** Answers 500 to its first request and 200 after. */
  flaky: string;
  nonHtml: { url: string; contentType: string }[];
  /** Groups of byte-identical pages; the first is the original. */
  exactDuplicates: string[][];
  /** Groups of near-identical texts (a few words changed, a line added); the first is the original. */
  nearDuplicates: string[][];
  /** Hrefs exactly as written on /links and the stored URL each one reaches. */
  linkForms: { href: string; resolvesTo: string }[];
}
