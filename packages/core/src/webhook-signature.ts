import { createHmac, timingSafeEqual } from 'node:crypto';
import { CoreError } from './errors.js';

/*
 * Webhook signatures, in Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually):
 * the `sward-signature` header is `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is inside the MAC, so a captured delivery cannot be replayed after the tolerance
 * window. A header may carry several v1 entries (one per secret while a secret is rotated);
 * any one that matches is enough. Other schemes (v0, …) are ignored. Pure: the caller passes
 * the clock in.
 */

/** Default window, in seconds, either side of the receiver's clock (Stripe's default). */
export const WEBHOOK_TOLERANCE_SEC = 300;

export interface VerifyWebhookOptions {
  /** The receiver's clock, unix seconds. */
  readonly nowSec: number;
  /** How far the signed timestamp may be from nowSec, in seconds. Default 300. */
  readonly toleranceSec?: number;
}

function mac(secret: string, timestampSec: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest();
}

/** The `sward-signature` header value for `body`, signed with `secret` at `timestampSec`. */
export function signWebhook(secret: string, body: string | Uint8Array, timestampSec: number): string {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0)
    throw new CoreError('OUT_OF_RANGE', `webhook timestamp ${timestampSec} is not a non-negative integer`);
  if (secret.length === 0) throw new CoreError('BAD_KEY', 'webhook secret is empty');
  return `t=${timestampSec},v1=${mac(secret, timestampSec, body).toString('hex')}`;
}

function parseHeader(header: string): { t: number; v1: Buffer[] } {
  let t: number | null = null;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CoreError('INVALID_SCHEMA', `webhook signature header: bad element "${part}"`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== null || !/^\d{1,15}$/.test(value))
        throw new CoreError('INVALID_SCHEMA', `webhook signature header: bad timestamp "${value}"`);
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value))
        throw new CoreError('INVALID_SCHEMA', 'webhook signature header: v1 is not 64 hex digits');
      v1.push(Buffer.from(value, 'hex'));
    }
  }
  if (t === null) throw new CoreError('INVALID_SCHEMA', 'webhook signature header: no t= timestamp');
  if (v1.length === 0) throw new CoreError('INVALID_SCHEMA', 'webhook signature header: no v1= signature');
  return { t, v1 };
}

/**
 * Checks a `sward-signature` header against the raw request body (exactly the bytes received,
 * before any JSON parsing). Returns true, or throws CoreError: INVALID_SCHEMA for a malformed
 * header, OUT_OF_RANGE for a timestamp outside the tolerance, BAD_SIGNATURE for a mismatch.
 */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  header: string,
  options: VerifyWebhookOptions,
): true {
  const { nowSec, toleranceSec = WEBHOOK_TOLERANCE_SEC } = options;
  if (secret.length === 0) throw new CoreError('BAD_KEY', 'webhook secret is empty');
  const { t, v1 } = parseHeader(header);
  if (Math.abs(nowSec - t) > toleranceSec)
    throw new CoreError(
      'OUT_OF_RANGE',
      `webhook timestamp ${t} is ${Math.round(nowSec - t)} s from now, outside the ${toleranceSec} s tolerance`,
    );
  const expected = mac(secret, t, body);
  // Compare every candidate (no early exit) so timing says nothing about which one matched.
  let matched = false;
  for (const candidate of v1) matched = timingSafeEqual(candidate, expected) || matched;
  if (!matched) throw new CoreError('BAD_SIGNATURE', 'webhook signature does not match the body and secret');
  return true;
}
