import { isIPv4, isIPv6 } from 'node:net';
import { classifyAddress } from '@sward/core';

/** The address itself, normalised (IPv4-mapped IPv6 becomes plain IPv4); null when not an IP. */
export function normaliseIp(ip: string): string | null {
  const v = ip
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (isIPv4(v)) return v;
  if (isIPv6(v)) return expandIPv6(v).join(':');
  return null;
}

/** The network a home connection lives in: IPv4 /24, IPv6 /64. */
export function networkOf(ip: string): string | null {
  const v = normaliseIp(ip);
  if (!v) return null;
  if (isIPv4(v)) return `${v.split('.').slice(0, 3).join('.')}.0/24`;
  return `${v.split(':').slice(0, 4).join(':')}::/64`;
}

/** Address ranges that say where the coordinator sits, not where a node's connection is. */
const LOCAL_RANGES = new Set(['loopback', 'unspecified', 'private', 'linkLocal', 'uniqueLocal']);

/**
 * The network two nodes must not share to count as independent witnesses (a spot check's checker, a policy
 * file's confirming fetch): networkOf, but null, "unknown", for anything that is not an address and for loopback,
 * private, link-local and unique-local ones: the coordinator sees those from its own machine or LAN (tests, the
 * demo, a home network) or from a proxy it was not told to trust, where every node would show the proxy's
 * address and a network rule would make all of them one witness. Unknown is apart from everything, as before
 * networks counted.
 */
export function witnessNetwork(ip: string | null | undefined): string | null {
  const v = ip ? classifyAddress(ip) : null;
  if (!v || LOCAL_RANGES.has(v.range)) return null;
  return networkOf(ip as string);
}

/** Whether two witnesses' networks are apart: different, or either unknown. */
export const apart = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !a || !b || a !== b;

function expandIPv6(v: string): string[] {
  let s = v;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = s.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const fill = rest === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((h) => h.padStart(4, '0'));
}
