import type { Context } from 'hono';
import { normaliseIp } from '../store/network-key.js';

/**
 * The address a node connects from, as the sybil scan records it: the socket's peer. Only when that peer
 * is one of the configured trusted proxies is X-Forwarded-For read, right to left, skipping trusted
 * proxies; anyone else can write that header, so it is never believed by default.
 */
export function clientAddress(c: Context, trustedProxies: ReadonlySet<string>): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const raw = env?.incoming?.socket?.remoteAddress;
  const peer = raw ? (normaliseIp(raw) ?? undefined) : undefined;
  if (!peer || !trustedProxies.has(peer)) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseIp(hops[i] ?? '');
    if (!hop) return peer; // a malformed hop: nothing left of it can be believed
    if (!trustedProxies.has(hop)) return hop;
  }
  return peer;
}

/** The trusted-proxy setting, normalised so "::ffff:10.0.0.1" and "10.0.0.1" are one entry. */
export function trustedProxySet(list: readonly string[] = []): ReadonlySet<string> {
  const out = new Set<string>();
  for (const a of list) {
    const n = normaliseIp(a);
    if (!n) throw new TypeError(`trustedProxies: ${a} is not an IP address`);
    out.add(n);
  }
  return out;
}
