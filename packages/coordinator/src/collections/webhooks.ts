import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signWebhook } from '@sward/core';
import type { Agent } from 'undici';
import {
  checkTarget,
  drainCapped,
  pinnedLookup,
  type ResolvedAddress,
  type Resolver,
  systemResolver,
} from '../net/guarded-target.js';
import { loadUndici } from '../net/load-undici.js';

/**
 * Tells a customer which pages of a live collection changed at a refresh: one signed JSON POST
 * to the URL they registered. The URL is customer input aimed from our network, so the sender
 * is an SSRF guard too: every DNS answer must be public unicast (core's classifyAddress, the
 * rule the node's fetcher uses), the socket is pinned to the checked addresses (no second DNS
 * query a rebinding resolver could answer differently), redirects are not followed and the
 * response body is read only up to 64 KiB. Never throws: the outcome is a WebhookDelivery.
 */

export const WEBHOOK_EVENT = 'collection.refreshed';
export const WEBHOOK_USER_AGENT = 'SwardWebhook/1';
/** How much of a receiver's answer is read before the rest is dropped. */
export const WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024;

export type { ResolvedAddress };

/** Asks DNS for every address of a host name; swappable so tests can play any resolver. */
export type WebhookResolver = Resolver;

export interface DeliverWebhookOptions {
  readonly url: string;
  readonly secret: string;
  readonly payload: unknown;
  /** Lets loopback/private receivers through (tests, the demo). Metadata endpoints stay refused. */
  readonly allowPrivate?: boolean;
  /** Per attempt: DNS, connect, request and response together. Default 10 s. */
  readonly timeoutMs?: number;
  /** Tries in all, the first included. Default 3. */
  readonly attempts?: number;
  /** Wait before the 2nd try; doubles for each later one. Default 1 s. */
  readonly backoffMs?: number;
  /** Default: the system resolver (getaddrinfo, every address). */
  readonly resolver?: WebhookResolver;
  /** Clock in milliseconds (signature timestamp, deliveredAt). Default Date.now. */
  readonly now?: () => number;
}

export interface WebhookDelivery {
  /** A 2xx answer arrived. */
  readonly ok: boolean;
  /** HTTP status of the last answer; null when none arrived (refused, network error, timeout). */
  readonly status: number | null;
  /** Tries made; 0 when the input was unusable (bad URL, payload not JSON) and nothing was tried. */
  readonly attempts: number;
  /** Why the last try failed; null when ok. */
  readonly error: string | null;
  /** Clock (ms) when the 2xx arrived; null when not ok. */
  readonly deliveredAt: number | null;
  /** The `sward-delivery` header, the same on every retry, so receivers can drop duplicates. */
  readonly deliveryId: string;
}

/** A new signing secret for a webhook: `whsec_` and 32 random bytes, base64url. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

type Outcome =
  | { readonly kind: 'ok'; readonly status: number }
  | { readonly kind: 'retry' | 'final'; readonly status: number | null; readonly error: string };

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function outcomeOfStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return { kind: 'ok', status };
  if (status >= 300 && status < 400)
    return { kind: 'final', status, error: `HTTP ${status} (redirects are not followed)` };
  if (status === 408 || status === 429 || status >= 500)
    return { kind: 'retry', status, error: `HTTP ${status}` };
  return { kind: 'final', status, error: `HTTP ${status}` };
}

async function attemptOnce(
  url: URL,
  headers: Record<string, string>,
  body: string,
  opts: { allowPrivate: boolean; timeoutMs: number; resolver: WebhookResolver },
): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  let agent: Agent | null = null;
  try {
    const target = await checkTarget(url.hostname, opts.allowPrivate, opts.resolver, controller.signal);
    if (typeof target === 'string') return { kind: 'final', status: null, error: target };
    const { Agent, request } = await loadUndici();
    agent = new Agent({ connect: { lookup: pinnedLookup(target), timeout: opts.timeoutMs } });
    const res = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher: agent,
      signal: controller.signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    await drainCapped(res.body, WEBHOOK_MAX_RESPONSE_BYTES);
    return outcomeOfStatus(res.statusCode);
  } catch (err) {
    const error = controller.signal.aborted ? `timed out after ${opts.timeoutMs} ms` : messageOf(err);
    return { kind: 'retry', status: null, error };
  } finally {
    clearTimeout(timer);
    await agent?.destroy().catch(() => undefined);
  }
}

function unusable(error: string, deliveryId: string): WebhookDelivery {
  return { ok: false, status: null, attempts: 0, error, deliveredAt: null, deliveryId };
}

/**
 * POSTs `payload` as JSON to `url`, signed with `secret` (header `sward-signature`, checked by
 * verifyWebhook). 2xx is success; 5xx, 408, 429, network errors and timeouts are retried with
 * exponential backoff; other answers (3xx, 4xx) and refused addresses end the delivery at once.
 */
export async function deliverWebhook(opts: DeliverWebhookOptions): Promise<WebhookDelivery> {
  const deliveryId = randomUUID();
  let tried = 0;
  try {
    const now = opts.now ?? Date.now;
    const maxAttempts = Math.max(1, Math.floor(opts.attempts ?? 3));
    const backoffMs = Math.max(0, opts.backoffMs ?? 1000);
    const attemptOpts = {
      allowPrivate: opts.allowPrivate ?? false,
      timeoutMs: Math.max(1, opts.timeoutMs ?? 10_000),
      resolver: opts.resolver ?? systemResolver,
    };
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      return unusable(`webhook URL is not a URL: ${JSON.stringify(opts.url)}`, deliveryId);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return unusable(`webhook URL must be http(s), not ${url.protocol}`, deliveryId);
    if (url.username || url.password) return unusable('webhook URL must not carry credentials', deliveryId);
    url.hash = '';
    let body: string | undefined;
    try {
      body = JSON.stringify(opts.payload);
    } catch (err) {
      return unusable(`webhook payload is not JSON: ${messageOf(err)}`, deliveryId);
    }
    if (body === undefined) return unusable('webhook payload is not JSON: undefined', deliveryId);
    if (opts.secret.length === 0) return unusable('webhook secret is empty', deliveryId);

    let last: Outcome = { kind: 'retry', status: null, error: 'not attempted' };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      tried = attempt;
      // Signed afresh on each try, so a late retry still falls inside the receiver's tolerance.
      const headers = {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'sward-signature': signWebhook(opts.secret, body, Math.floor(now() / 1000)),
        'sward-event': WEBHOOK_EVENT,
        'sward-delivery': deliveryId,
      };
      last = await attemptOnce(url, headers, body, attemptOpts);
      if (last.kind === 'ok')
        return {
          ok: true,
          status: last.status,
          attempts: attempt,
          error: null,
          deliveredAt: now(),
          deliveryId,
        };
      if (last.kind === 'final')
        return {
          ok: false,
          status: last.status,
          attempts: attempt,
          error: last.error,
          deliveredAt: null,
          deliveryId,
        };
    }
    return {
      ok: false,
      status: last.status,
      attempts: maxAttempts,
      error: last.error,
      deliveredAt: null,
      deliveryId,
    };
  } catch (err) {
    return { ok: false, status: null, attempts: tried, error: messageOf(err), deliveredAt: null, deliveryId };
  }
}
