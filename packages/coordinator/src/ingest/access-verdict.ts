import { asksForLicense, type Capture, decimalMicros, JOB_CURRENCY, parsePrice } from '@sward/core';
import type { PageVerdict } from './page-verdict.js';

/**
 * What a pay-per-crawl or licence answer means for a page, read from what the node signed (the capture's
 * `access` record, core pay-per-crawl.ts), or null when the answer is not about access:
 *
 * - 402: `payment_required` (the job pays nothing), `price_above_max` (the site's price is over the job's
 *   --max-price, or in another currency), `budget_exhausted` (within --max-price but over what was left of
 *   the budget, which lowered this lease's offer), else `payment_failed` with the site's crawler-error;
 * - a 4xx with `crawler-error` (bad signature, conflicting headers…): `payment_failed`, retried later when
 *   the error may pass (a signature the site could not check yet);
 * - 401 with `WWW-Authenticate: License`: `license_required` (no token, or the site refused the job's).
 */
export function accessVerdict(c: Capture, jobMaxPrice: string | undefined): PageVerdict | null {
  const a = c.access;
  const error = a?.error ? `crawler-error: ${a.error}` : null;
  if (c.status === 402) {
    const asked = parsePrice(a?.price);
    const priced = a?.price ? `crawler-price: ${a.price}` : 'no crawler-price';
    if (jobMaxPrice === undefined)
      return {
        outcome: 'skipped',
        reason: 'payment_required',
        detail: `${priced}; the job sets no --max-price`,
      };
    if (!asked)
      return {
        outcome: 'failed',
        reason: 'payment_failed',
        detail: [priced, error].filter(Boolean).join('; '),
      };
    const max = decimalMicros(jobMaxPrice) ?? 0;
    if (asked.currency !== JOB_CURRENCY || asked.micros > max)
      return {
        outcome: 'skipped',
        reason: 'price_above_max',
        detail: `${priced}; --max-price is ${JOB_CURRENCY} ${jobMaxPrice}`,
      };
    const offered = parsePrice(a?.offer?.price);
    if (!offered || asked.micros > offered.micros)
      return {
        outcome: 'skipped',
        reason: 'budget_exhausted',
        detail: `${priced}; what is left of the budget allowed ${a?.offer?.price ?? 'nothing'}`,
      };
    return {
      outcome: 'failed',
      reason: 'payment_failed',
      detail: [priced, error].filter(Boolean).join('; '),
    };
  }
  if (c.status === 401 && asksForLicense(a?.authenticate)) {
    const why = a?.license
      ? "the site refused the job's licence token"
      : 'the job holds no licence token for this origin';
    return {
      outcome: 'skipped',
      reason: 'license_required',
      detail: `WWW-Authenticate: ${a?.authenticate}; ${why}`,
    };
  }
  if (c.status >= 400 && c.status < 500 && error) {
    // A signature the site could not check yet (a node's fresh key not in its cached copy of the
    // directory) or the site's own trouble may pass: asked again later, maybe by another node.
    const passing = TRANSIENT_ERRORS.has(a?.error ?? '');
    return { outcome: passing ? 'retry' : 'failed', reason: 'payment_failed', detail: error };
  }
  return null;
}

/** crawler-error codes worth another attempt (Cloudflare's list; the rest will not change on a retry). */
const TRANSIENT_ERRORS = new Set(['InvalidSignature', 'StrongAuthRequired', 'InternalError']);

/** What the site charged for this capture (micro-USD, from its signed `crawler-charged`), 0 when nothing. */
export function chargedMicros(c: Capture): number {
  const charged = parsePrice(c.access?.charged);
  return charged && charged.currency === JOB_CURRENCY ? charged.micros : 0;
}
