/*
 * Pay-per-crawl (Cloudflare's HTTP 402 protocol) and RSL licence tokens, as both sides of the wire see
 * them. A price travels as `<ISO 4217 code> <decimal>` ("USD 0.01") in `crawler-price` (402 answer),
 * `crawler-max-price` / `crawler-exact-price` (request) and `crawler-charged` (paid 200); errors come in
 * `crawler-error`. Amounts are kept as integer millionths of the currency unit ("micros"), never floats,
 * so a budget check is exact.
 */

import {
  CRAWLER_CHARGED,
  CRAWLER_ERROR,
  CRAWLER_EXACT_PRICE,
  CRAWLER_MAX_PRICE,
  CRAWLER_PRICE,
} from './crawler-headers.js';

export { type CaptureAccess, captureAccessSchema } from './capture-schema.js';
export { CRAWLER_CHARGED, CRAWLER_ERROR, CRAWLER_EXACT_PRICE, CRAWLER_MAX_PRICE, CRAWLER_PRICE };

/** The one currency jobs state budgets in; a site asking another is not comparable, so not paid. */
export const JOB_CURRENCY = 'USD';
export const MICROS = 1_000_000;

export interface Price {
  readonly currency: string;
  /** Millionths of the currency unit. */
  readonly micros: number;
}

const DECIMAL = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

/** A non-negative decimal with at most 6 fraction digits ("0.015") as micros, or null. */
export function decimalMicros(text: string): number | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * MICROS + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Micros as the shortest decimal ("0.01", "1", "0.015"). */
export function microsDecimal(micros: number): string {
  const whole = Math.floor(micros / MICROS);
  const frac = String(micros % MICROS)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** `USD 0.01` → {currency: 'USD', micros: 10000}; null for anything else (the header is the site's word). */
export function parsePrice(header: string | null | undefined): Price | null {
  if (!header) return null;
  const m = /^\s*([A-Z]{3})\s+(\S+)\s*$/.exec(header);
  if (!m) return null;
  const micros = decimalMicros(m[2] as string);
  return micros === null ? null : { currency: m[1] as string, micros };
}

export function formatPrice(p: Price): string {
  return `${p.currency} ${microsDecimal(p.micros)}`;
}

// What a lease tells the node about paying and licences: node-answers.ts (zod/mini, read by the node).
export { type LeaseAccess, leaseAccessSchema } from './node-answers.js';

/** True when a `WWW-Authenticate` value offers the RSL `License` scheme (RFC 9110 challenge list). */
export function asksForLicense(authenticate: string | null | undefined): boolean {
  return !!authenticate && /(^|,)\s*License(\s|,|$)/i.test(authenticate);
}
