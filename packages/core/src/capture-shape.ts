import { regexes } from 'zod/mini';
import { canParseUrl } from './can-parse-url.js';
import { SIGNED_HEADERS } from './signed-headers.js';

/*
 * A hand-written check of signedCaptureSchema's shape for the verifier's hot path (one call per bundle
 * row). It accepts only input that the schema accepts AND returns unchanged, so a caller may use the
 * input itself as the parsed value; anything else (including rare input the schema would accept, or
 * accept after changing it) goes to the schema, which words the error. Each field below is the schema's
 * own test: the same regular expressions, a URL parse as zod's url() (canParseUrl: Node 20's optimised
 * URL.canParse answers wrongly for some non-ASCII text), Number.isSafeInteger as zod's
 * int(). capture-shape.test.ts checks on random and mutated captures that this never accepts what the
 * schema refuses.
 */

const HEX64 = /^[0-9a-f]{64}$/;
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;
// zod's z.string().datetime({ offset: true }).
const ISO_TIME = regexes.datetime({ offset: true, local: false, precision: null });
// zod's url() trims and drops tabs and newlines from the value it returns: such a value is not "unchanged".
const URL_ALTERED = /^\s|\s$|[\t\n\r]/;
const HEADER_NAMES: ReadonlySet<string> = new Set(SIGNED_HEADERS);

/** The keys in RFC 8785 order, as bundle format 2 writes them (other orders take the schema's path). */
const CAPTURE_KEYS = [
  'bodyLength',
  'bodySha256',
  'fetchEnd',
  'fetchStart',
  'finalUrl',
  'headers',
  'ip',
  'jobId',
  'leaseId',
  'nodeId',
  'redirects',
  'requestedUrl',
  'status',
  'tlsCertSha256',
  'v',
] as const;
const SIGNED_KEYS = ['capture', 'signature'] as const;
const HOP_KEYS = ['location', 'status', 'url'] as const;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/** Own keys exactly `keys`, in that order. */
function hasKeys(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (own[i] !== keys[i]) return false;
  return true;
}

const isInt = (x: unknown, min: number, max: number): boolean =>
  Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max;

const isText = (x: unknown, min: number, max: number): x is string =>
  typeof x === 'string' && x.length >= min && x.length <= max;

const isUrl = (x: unknown, max: number): boolean =>
  typeof x === 'string' && x.length <= max && !URL_ALTERED.test(x) && canParseUrl(x);

function isHeaders(x: unknown): boolean {
  if (!isRecord(x)) return false;
  for (const k of Object.keys(x)) if (!HEADER_NAMES.has(k) || !isText(x[k], 0, 8192)) return false;
  return true;
}

function isRedirects(x: unknown): boolean {
  if (!Array.isArray(x) || x.length > 20) return false;
  for (const hop of x as unknown[]) {
    if (!isRecord(hop) || !hasKeys(hop, HOP_KEYS)) return false;
    if (!isUrl(hop.url, Number.POSITIVE_INFINITY) || !isInt(hop.status, 300, 399)) return false;
    if (!isText(hop.location, 0, 8192)) return false;
  }
  return true;
}

/**
 * True only when signedCaptureSchema accepts `x` and would return it unchanged (see above): the caller
 * may then use `x` as a SignedCapture (capture.ts, which this module cannot import: it imports this one).
 */
export function isSignedCaptureShape(x: unknown): boolean {
  if (!isRecord(x) || !hasKeys(x, SIGNED_KEYS)) return false;
  if (typeof x.signature !== 'string' || !SIGNATURE.test(x.signature)) return false;
  const c = x.capture;
  if (!isRecord(c) || !hasKeys(c, CAPTURE_KEYS)) return false;
  if (c.v !== 1 || !isText(c.jobId, 1, 100) || !isText(c.leaseId, 1, 100)) return false;
  if (typeof c.nodeId !== 'string' || !HEX64.test(c.nodeId)) return false;
  // One parse when the page was not redirected: the same string gets the same answer.
  if (!isUrl(c.requestedUrl, 8192) || (c.finalUrl !== c.requestedUrl && !isUrl(c.finalUrl, 8192)))
    return false;
  if (!isRedirects(c.redirects) || !isInt(c.status, 100, 599) || !isHeaders(c.headers)) return false;
  if (typeof c.bodySha256 !== 'string' || !HEX64.test(c.bodySha256)) return false;
  if (!isInt(c.bodyLength, 0, Number.MAX_SAFE_INTEGER)) return false;
  if (typeof c.fetchStart !== 'string' || !ISO_TIME.test(c.fetchStart)) return false;
  if (typeof c.fetchEnd !== 'string' || !ISO_TIME.test(c.fetchEnd)) return false;
  const tls = c.tlsCertSha256;
  if (tls !== null && (typeof tls !== 'string' || !HEX64.test(tls))) return false;
  return isText(c.ip, 2, 64);
}
