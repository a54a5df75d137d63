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

/**
 * The network a home connection lives in: IPv4 /24, IPv6 /64. An IPv6 address that carries an IPv4 one (mapped in
 * any spelling, SIIT, the well-known NAT64 prefix, 6to4, Teredo) is in that IPv4 address's /24: whoever holds one
 * IPv4 address holds 6to4's 65,536 /64s of it, and a translator's clients would otherwise all share its /64.
 */
export function networkOf(ip: string): string | null {
  const v = normaliseIp(ip);
  if (!v) return null;
  const v4 = isIPv4(v) ? v : carriedIPv4(v.split(':').map((h) => Number.parseInt(h, 16)));
  if (v4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  return `${v.split(':').slice(0, 4).join(':')}::/64`;
}

/** The IPv4 address an expanded IPv6 address (eight 16-bit words) carries, if it is of a form that carries one. */
function carriedIPv4(w: number[]): string | null {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = w;
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeroTo = (n: number) => w.slice(0, n).every((x) => x === 0);
  if (zeroTo(5) && f === 0xffff) return quad(g, h); // ::ffff:a.b.c.d written in hex
  if (zeroTo(4) && e === 0xffff && f === 0) return quad(g, h); // SIIT ::ffff:0:a.b.c.d
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return quad(g, h); // NAT64
  if (a === 0x2002) return quad(b, c); // 6to4
  if (a === 0x2001 && b === 0) return quad(~g & 0xffff, ~h & 0xffff); // Teredo: the client's address, inverted
  return null;
}

/** Address ranges that say where the coordinator sits, not where a node's connection is. */
const LOCAL_RANGES = new Set(['loopback', 'unspecified', 'private', 'linkLocal', 'uniqueLocal']);

/**
 * The network two nodes must not share to count as independent witnesses (a spot check's checker, a policy
 * file's confirming fetch): networkOf (IPv6 widened to /48), but null, "unknown", for anything that is not an address and for loopback,
 * private, link-local and unique-local ones: the coordinator sees those from its own machine or LAN (tests, the
 * demo, a home network) or from a proxy it was not told to trust, where every node would show the proxy's
 * address and a network rule would make all of them one witness. Unknown is apart from everything, as before
 * networks counted.
 */
export function witnessNetwork(ip: string | null | undefined): string | null {
  const v = ip ? classifyAddress(ip) : null;
  if (!v || LOCAL_RANGES.has(v.range)) return null;
  const net = networkOf(ip as string);
  // IPv6 by /48, wider than a home's /64: a tunnel broker hands anyone a /48 (65,536 /64s) for free. Two homes
  // in one /48 only wait longer for a confirmation; sybil signals keep the /64, where a false link costs more.
  return net?.endsWith('::/64') ? `${net.split(':').slice(0, 3).join(':')}::/48` : net;
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
