import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from './http-util.js';
import { type Verdict, type VerifierOptions, WebBotAuthVerifier } from './web-bot-auth-verifier.js';

/*
 * A loopback site that charges crawlers per page the way Cloudflare's pay-per-crawl does (HTTP 402,
 * `crawler-price`, `crawler-max-price` / `crawler-exact-price`, `crawler-charged`, `crawler-error` codes),
 * and serves a licence-token area as an RSL licence server's customer would (`Authorization: License`,
 * 401 with `WWW-Authenticate: License`). Paid paths serve only a verified Web Bot Auth crawler whose
 * signature covers its price header. Kept free of Sward code: it is the publisher's side.
 */

export interface PayPerCrawlSiteOptions extends VerifierOptions {
  /** Pages in each area (/free/i, /paid/i, /exact/i, /pricey/i, /licensed/i); default 3 each. */
  readonly pages?: Partial<Record<Area, number>>;
  /** The price of /paid/ and /exact/ pages; default "USD 0.01". */
  readonly price?: string;
  /** The price of /pricey/ pages; default "USD 1". */
  readonly priceyPrice?: string;
  /** The licence token /licensed/ pages accept; default "test-license-token". */
  readonly licenseToken?: string;
  /** Crawl-delay in robots.txt, seconds. */
  readonly crawlDelay?: number;
}

/** free: no charge; paid: honours max and exact price; exact: 402 unless crawler-exact-price; pricey: dear. */
export type Area = 'free' | 'paid' | 'exact' | 'pricey' | 'licensed';
const AREAS: readonly Area[] = ['free', 'paid', 'exact', 'pricey', 'licensed'];

export interface SiteCharge {
  readonly path: string;
  readonly micros: number;
  readonly keyid: string;
}

export interface PayPerCrawlRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly status: number;
  readonly crawlerError: string | null;
}

export interface PayPerCrawlSite {
  readonly url: string;
  readonly requests: PayPerCrawlRequest[];
  /** Every charge made, in order (what the site's billing would invoice). */
  readonly charges: SiteCharge[];
  totalCharged(): number;
  close(): Promise<void>;
}

interface SitePrice {
  readonly currency: string;
  readonly micros: number;
}

/** "USD 0.01" → micros; null when malformed (the site answers InvalidCrawlerPriceValue). */
function priceOf(text: string | undefined): SitePrice | null {
  const m = /^([A-Z]{3}) (\d{1,9})(?:\.(\d{1,6}))?$/.exec((text ?? '').trim());
  if (!m) return null;
  return { currency: m[1] as string, micros: Number(m[2]) * 1e6 + Number((m[3] ?? '').padEnd(6, '0')) };
}

function one(h: IncomingMessage['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export async function startPayPerCrawlSite(opts: PayPerCrawlSiteOptions): Promise<PayPerCrawlSite> {
  const verifier = new WebBotAuthVerifier(opts);
  const counts = Object.fromEntries(AREAS.map((a) => [a, opts.pages?.[a] ?? 3])) as Record<Area, number>;
  const price = opts.price ?? 'USD 0.01';
  const pricey = opts.priceyPrice ?? 'USD 1';
  const token = opts.licenseToken ?? 'test-license-token';
  const requests: PayPerCrawlRequest[] = [];
  const charges: SiteCharge[] = [];

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: string,
  ) => {
    requests.push({
      path: req.url ?? '/',
      headers: req.headers,
      status,
      crawlerError: headers['crawler-error'] ?? null,
    });
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
  };
  /** A 200 HTML page. */
  const html = (
    req: IncomingMessage,
    res: ServerResponse,
    title: string,
    text: string,
    headers: Record<string, string> = {},
  ) =>
    answer(
      req,
      res,
      200,
      { 'content-type': 'text/html; charset=utf-8', ...headers },
      `<!doctype html><html><head><title>${title}</title></head><body><main><h1>${title}</h1>` +
        `<p>${text}</p></main></body></html>`,
    );

  /** Cloudflare's rules for a priced page; the signature must cover whichever price header was sent. */
  const charge = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    asked: string,
    exactOnly: boolean,
  ) => {
    const url = `http://${req.headers.host ?? 'localhost'}${path}`;
    const max = one(req.headers, 'crawler-max-price');
    const exact = one(req.headers, 'crawler-exact-price');
    const sent = exact !== undefined ? 'crawler-exact-price' : max !== undefined ? 'crawler-max-price' : null;
    const verdict: Verdict = await verifier.verify(
      { method: req.method ?? 'GET', url, headers: req.headers },
      sent ? [sent] : [],
    );
    if (!verdict.ok) {
      const code = verdict.refusal === 'unsigned' ? 'StrongAuthRequired' : 'InvalidSignature';
      return answer(req, res, 400, { 'crawler-error': code }, `${code}: ${verdict.detail}\n`);
    }
    if (max !== undefined && exact !== undefined)
      return answer(req, res, 400, { 'crawler-error': 'ConflictingPriceHeaders' }, 'one price header only\n');
    const cost = priceOf(asked) as SitePrice;
    const offered = sent ? priceOf(exact ?? max) : null;
    if (sent && !offered)
      return answer(req, res, 400, { 'crawler-error': 'InvalidCrawlerPriceValue' }, 'bad price value\n');
    const due = { 'crawler-price': asked };
    if (!offered || (exactOnly && sent !== 'crawler-exact-price'))
      return answer(req, res, 402, { ...due, 'crawler-error': 'MissingCrawlerPrice' }, 'payment required\n');
    const sameCurrency = offered.currency === cost.currency;
    if (sent === 'crawler-exact-price' && !(sameCurrency && offered.micros === cost.micros))
      return answer(req, res, 402, { ...due, 'crawler-error': 'InvalidCrawlerExactPrice' }, 'wrong price\n');
    if (sent === 'crawler-max-price' && !(sameCurrency && offered.micros >= cost.micros))
      return answer(req, res, 402, { ...due, 'crawler-error': 'InvalidCrawlerMaxPrice' }, 'price too low\n');
    charges.push({ path, micros: cost.micros, keyid: verdict.keyid });
    return html(req, res, `Paid ${path}`, `Charged ${asked} to ${verdict.keyid}.`, {
      'crawler-charged': asked,
    });
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return answer(
        req,
        res,
        200,
        {},
        `User-agent: *\nAllow: /\n${opts.crawlDelay ? `Crawl-delay: ${opts.crawlDelay}\n` : ''}`,
      );
    if (path === '/') {
      const links = AREAS.flatMap((a) =>
        Array.from({ length: counts[a] }, (_, i) => `<a href="/${a}/${i}">${a} ${i}</a>`),
      );
      return html(req, res, 'Index', links.join(' '));
    }
    const m = /^\/(free|paid|exact|pricey|licensed)\/(\d+)$/.exec(path);
    const area = m?.[1] as Area | undefined;
    if (!m || !area || Number(m[2]) >= counts[area]) return answer(req, res, 404, {}, 'not found\n');
    if (area === 'free') return html(req, res, `Free ${path}`, 'No charge.');
    if (area === 'licensed') {
      const auth = one(req.headers, 'authorization');
      if (auth === `License ${token}`) return html(req, res, `Licensed ${path}`, 'Licensed.');
      const challenge = auth?.startsWith('License ')
        ? 'License realm="pay-per-crawl-site", error="invalid_token"'
        : 'License realm="pay-per-crawl-site"';
      return answer(req, res, 401, { 'www-authenticate': challenge }, 'a licence token is required\n');
    }
    charge(req, res, path, area === 'pricey' ? pricey : price, area === 'exact').catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  return {
    url: await listen(server, 0, '127.0.0.1'),
    requests,
    charges,
    totalCharged: () => charges.reduce((s, c) => s + c.micros, 0),
    close: () => closeServer(server),
  };
}
