import {
  type Capture,
  type CaptureAccess,
  CRAWLER_CHARGED,
  CRAWLER_ERROR,
  CRAWLER_EXACT_PRICE,
  CRAWLER_MAX_PRICE,
  CRAWLER_PRICE,
  type Identity,
  type LeaseAccess,
  parsePrice,
  type RedirectHop,
  SIGNED_HEADERS,
  type SignedCapture,
  sha256Hex,
} from '@sward/core/node-side';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { signFrozenCapture } from './capture-text.js';
import { type ConnectionPool, sharedConnections } from './connection-pool.js';
import { type FetchFailureCode, NodeError } from './errors.js';
import { failureCodeOf, messageOf } from './fetch-errors.js';
import type { ConnectionFacts } from './pinned-connector.js';
import { headerText, readResponse } from './read-response.js';
import type { RequestSigner } from './request-signer.js';
import { type Resolver, resolveCheckedTarget, systemResolver } from './resolve-target.js';

export const MAX_REDIRECTS = 10;
const MAX_HEADER_CHARS = 8192;

/** The part of a PROTOCOL lease the fetcher needs. */
export interface FetchJob {
  readonly leaseId: string;
  readonly jobId: string;
  readonly url: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly conditional?: { readonly etag?: string; readonly lastModified?: string };
  /** Pay-per-crawl ceiling and licence token (pay-per-crawl.ts in core); the capture records `access` iff set. */
  readonly access?: LeaseAccess;
}

export interface FetcherOptions {
  readonly identity: Identity;
  readonly userAgent: string;
  /** Web Bot Auth: signs every request, redirect hops included (request-signer.ts). */
  readonly requestSigner: Pick<RequestSigner, 'headers'>;
  readonly allowPrivate: boolean;
  /** Operator's ceiling; a lease's maxBytes/timeoutMs can only lower these. */
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  /** The operator's domain lists, asked for every hop; a reason string refuses with DOMAIN_DENIED. */
  readonly hostRefusal?: (host: string) => string | null;
  /** Byte-cap accounting; returning false stops the fetch with CAP_REACHED. */
  readonly onBytes?: (n: number) => boolean;
  readonly resolver?: Resolver;
  /** Extra trusted CA certificates (PEM), added to the public roots: tests and the demo's https site. */
  readonly extraCa?: string | readonly string[];
  /** Test hook for a "lying node": alters the body before it is hashed and signed. */
  readonly transformBody?: (url: string, body: Buffer) => Buffer;
  readonly now?: () => Date;
  /** Keep-alive connections to sites (see connection-pool.ts); the process-wide pool when absent. */
  readonly connections?: ConnectionPool;
  /** Ends the fetch early (a node stopping hands the lease back instead of waiting for the site). */
  readonly signal?: AbortSignal;
}

export interface FetchFailure {
  readonly code: FetchFailureCode;
  readonly message: string;
}

export type FetchOutcome =
  | { readonly ok: true; readonly signed: SignedCapture; readonly body: Buffer }
  | { readonly ok: false; readonly failure: FetchFailure; readonly redirects: readonly RedirectHop[] };

interface HopResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly facts: ConnectionFacts;
  readonly body: Buffer;
  /** What this request offered to pay and whether it carried the licence token. */
  readonly sent: SentAccess;
}

interface SentAccess {
  readonly offer: CaptureAccess['offer'];
  readonly license: boolean;
}

/** The price header a request offers: the lease's ceiling up front, or the site's exact price on a retry. */
type Offer = NonNullable<CaptureAccess['offer']>;

function signedHeaders(headers: IncomingHttpHeaders): Capture['headers'] {
  const out: Capture['headers'] = {};
  for (const name of SIGNED_HEADERS) {
    const v = headers[name];
    if (v === undefined) continue;
    const text = Array.isArray(v) ? v.join(', ') : v;
    // The capture schema caps header values; an oversized one is left out rather than altered.
    if (text.length <= MAX_HEADER_CHARS) out[name] = text;
  }
  return out;
}

/**
 * Fetches one lease: checks each hop's host with the operator's lists and the SSRF guard,
 * connects only to the checked address, follows at most MAX_REDIRECTS redirects itself, and
 * signs a capture of the last response. A redirect loop or an 11th redirect ends with a capture
 * of that last 3xx (PROTOCOL: "a capture for every HTTP response … including 3xx-loop ends"),
 * so TOO_MANY_REDIRECTS is never sent by this node. Refusals and errors before any final
 * response come back as a failure with a PROTOCOL code.
 */
export async function fetchCapture(job: FetchJob, opts: FetcherOptions): Promise<FetchOutcome> {
  const now = opts.now ?? (() => new Date());
  const timeoutMs = Math.min(opts.timeoutMs, job.timeoutMs ?? Infinity);
  const maxBytes = Math.min(opts.maxBodyBytes, job.maxBytes ?? Infinity);
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new NodeError('TIMEOUT', `no complete response within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onStop = () => controller.abort(new NodeError('STOPPED', 'the node is stopping'));
  if (opts.signal?.aborted) onStop();
  opts.signal?.addEventListener('abort', onStop, { once: true });
  const redirects: RedirectHop[] = [];
  const fetchStart = now().toISOString();
  try {
    const visited = new Set<string>();
    let url = new URL(job.url);
    for (;;) {
      visited.add(url.href);
      let hop = await fetchHop(url, job, opts, maxBytes, controller.signal, upfrontOffer(job));
      // A 402 whose price is within the lease's ceiling is paid by asking again with that exact price,
      // once (a site may ignore crawler-max-price, or the node may have offered none).
      const exact = hop.status === 402 ? exactOffer(job, hop.headers) : null;
      if (exact) hop = await fetchHop(url, job, opts, maxBytes, controller.signal, exact);
      const location = headerText(hop.headers, 'location');
      const next = hop.status >= 300 && hop.status < 400 && location ? followable(url, location) : null;
      if (!next || visited.has(next.href) || redirects.length >= MAX_REDIRECTS) {
        return { ok: true, ...sign(job, opts, url, redirects, hop, fetchStart, now) };
      }
      redirects.push({ url: url.href, status: hop.status, location: location ?? '' });
      url = next;
    }
  } catch (err) {
    const reason = controller.signal.aborted ? controller.signal.reason : err;
    return { ok: false, failure: { code: failureCodeOf(reason), message: messageOf(reason) }, redirects };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onStop);
  }
}

/** The next hop of a redirect, or null when it cannot be followed (bad URL, not http(s)). */
function followable(base: URL, location: string): URL | null {
  try {
    const next = new URL(location, base);
    next.hash = '';
    return next.protocol === 'http:' || next.protocol === 'https:' ? next : null;
  } catch {
    return null;
  }
}

async function fetchHop(
  url: URL,
  job: FetchJob,
  opts: FetcherOptions,
  maxBytes: number,
  signal: AbortSignal,
  offer: Offer | null,
): Promise<HopResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new NodeError('BLOCKED_ADDRESS', `refusing ${url.protocol} URL ${url.href}`);
  // A node never logs in anywhere on the customer's behalf (DESIGN.md).
  if (url.username || url.password) throw new NodeError('BLOCKED_ADDRESS', `refusing URL with credentials`);
  const denied = opts.hostRefusal?.(url.hostname);
  if (denied) throw new NodeError('DOMAIN_DENIED', denied);
  // Signed before connecting: with no valid key nothing is sent. Real time, not opts.now: the site
  // checks created/expires against its own clock. A price offer is covered by the signature.
  const covered: Record<string, string> = offer ? { [offer.header]: offer.price } : {};
  const signature = opts.requestSigner.headers(url, Date.now(), covered);
  // The licence token goes to the origin it was issued for, never to a redirect's other origin.
  const access = job.access;
  const license = !!access?.licenseToken && access.licenseOrigin === url.origin;
  const target = await abortable(
    resolveCheckedTarget(url.hostname, {
      allowPrivate: opts.allowPrivate,
      resolver: opts.resolver ?? systemResolver,
    }),
    signal,
  );
  // Checked out for this hop alone; only pinned to the addresses just checked above (the key
  // includes them), so a changed DNS answer or another host never reuses an old socket.
  const pool = opts.connections ?? sharedConnections;
  const conn = pool.acquire({
    url,
    target,
    allowPrivate: opts.allowPrivate,
    extraCa: opts.extraCa,
    connectTimeoutMs: 10_000,
    owner: opts.identity.id,
  });
  let reusable = false;
  try {
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent,
      ...signature,
      ...covered,
      ...(license ? { authorization: `License ${access?.licenseToken}` } : {}),
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      // Raw bytes are what gets hashed and sent; asking for identity keeps them usable as-is.
      'accept-encoding': 'identity',
    };
    // The validators belong to the final resource; redirect hops ignore them.
    if (job.conditional?.etag) headers['if-none-match'] = job.conditional.etag;
    if (job.conditional?.lastModified) headers['if-modified-since'] = job.conditional.lastModified;
    // A redirect's body is read (counted against the caps, bounded) but not kept.
    const res = await readResponse(
      conn.client,
      { path: `${url.pathname}${url.search}`, method: 'GET', headers, signal },
      { url: url.href, maxBytes, onBytes: opts.onBytes, discard: isRedirectStatus },
    );
    // A copy: the connection goes back to the pool and its facts change if it ever reconnects.
    const facts: ConnectionFacts = { ...conn.facts };
    // Only a response read to its end, with no abort, leaves the socket in a known state.
    reusable = !signal.aborted;
    return { status: res.statusCode, headers: res.headers, facts, body: res.body, sent: { offer, license } };
  } finally {
    // A request that ended any other way has had its socket destroyed by undici; the client goes too.
    pool.release(conn, reusable);
  }
}

/** Redirect statuses, whose bodies are counted and dropped. */
function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}

/** crawler-max-price with the lease's ceiling, when it has one. */
function upfrontOffer(job: FetchJob): Offer | null {
  const max = job.access?.maxPrice;
  return max ? { header: CRAWLER_MAX_PRICE, price: max } : null;
}

/** crawler-exact-price with the 402's own crawler-price, when it parses and is within the lease's ceiling. */
function exactOffer(job: FetchJob, headers: IncomingHttpHeaders): Offer | null {
  const asked = headerText(headers, CRAWLER_PRICE);
  const price = parsePrice(asked);
  const max = parsePrice(job.access?.maxPrice);
  if (!asked || !price || !max || price.currency !== max.currency || price.micros > max.micros) return null;
  return { header: CRAWLER_EXACT_PRICE, price: asked.trim() };
}

/** The access record of a capture: what the last request offered and what the site answered about it. */
function accessOf(hop: HopResponse): CaptureAccess {
  const h = (name: string) => {
    const v = headerText(hop.headers, name);
    return v === undefined ? null : v.slice(0, 512);
  };
  return {
    offer: hop.sent.offer,
    price: h(CRAWLER_PRICE),
    charged: h(CRAWLER_CHARGED),
    error: h(CRAWLER_ERROR),
    license: hop.sent.license,
    authenticate: hop.status === 401 ? h('www-authenticate') : null,
  };
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sign(
  job: FetchJob,
  opts: FetcherOptions,
  finalUrl: URL,
  redirects: RedirectHop[],
  hop: HopResponse,
  fetchStart: string,
  now: () => Date,
): { signed: SignedCapture; body: Buffer } {
  const body = opts.transformBody ? opts.transformBody(finalUrl.href, hop.body) : hop.body;
  const capture: Capture = {
    v: 1,
    jobId: job.jobId,
    leaseId: job.leaseId,
    nodeId: opts.identity.id,
    requestedUrl: job.url,
    finalUrl: finalUrl.href,
    redirects,
    status: hop.status,
    headers: signedHeaders(hop.headers),
    bodySha256: sha256Hex(body),
    bodyLength: body.length,
    fetchStart,
    fetchEnd: now().toISOString(),
    tlsCertSha256: hop.facts.tlsCertSha256,
    ip: hop.facts.ip ?? '',
    ...(job.access ? { access: accessOf(hop) } : {}),
  };
  // frozen: the spool and the upload batch write the text signed here (capture-text.ts)
  return { signed: signFrozenCapture(opts.identity, capture), body };
}
