import ipaddr from 'ipaddr.js';

/*
 * Which kind of address an IP literal is, for every SSRF guard (the node's fetcher, the
 * coordinator's webhook sender). Pure: it judges addresses someone else resolved. Parsing and
 * the special-range table come from ipaddr.js (the parser behind express's proxy-addr): it reads
 * every IPv4 spelling getaddrinfo/inet_aton would (2130706433, 0x7f.1, 017700000001) and knows
 * the IANA special ranges. Node's net.BlockList was the other candidate, but it only matches
 * ranges we list ourselves and cannot parse the numeric forms.
 *
 * The rule is an allow-list, not a deny-list: an address is fetchable only when it is ordinary
 * global unicast (IPv4 range "unicast", IPv6 inside 2000::/3 and "unicast"). Anything new or
 * odd is refused by default. IPv6 forms that carry an IPv4 address (mapped, SIIT, NAT64, 6to4)
 * are judged by the IPv4 address they carry.
 */

export type AddressRange =
  | 'public'
  | 'private'
  | 'loopback'
  | 'linkLocal'
  | 'carrierGradeNat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'uniqueLocal'
  | 'metadata'
  | 'reserved';

export interface AddressVerdict {
  /** Canonical text of the address (IPv4 dotted quad, IPv6 RFC 5952). */
  readonly address: string;
  readonly family: 4 | 6;
  readonly range: AddressRange;
  /** For IPv6 that wraps an IPv4 address: which wrapping it was ("ipv4Mapped", "6to4", …). */
  readonly via?: string;
}

export interface GuardOptions {
  /** Lifts the refusal of non-public addresses (tests, the demo). Metadata endpoints stay refused. */
  readonly allowPrivate: boolean;
}

/** Cloud instance-metadata endpoints; refused even with allowPrivate, no test ever needs them. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean
  '169.254.170.2', // AWS ECS task metadata
  '100.100.100.200', // Alibaba Cloud
  '192.0.0.192', // Oracle Cloud (legacy)
  'fd00:ec2::254', // AWS IPv6 IMDS
]);

const METADATA_HOST_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

const V4_RANGES: Record<string, AddressRange> = {
  unicast: 'public',
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'linkLocal',
  carrierGradeNat: 'carrierGradeNat',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
};

const V6_RANGES: Record<string, AddressRange> = {
  loopback: 'loopback',
  linkLocal: 'linkLocal',
  deprecatedSiteLocal: 'linkLocal',
  multicast: 'multicast',
  unspecified: 'unspecified',
  uniqueLocal: 'uniqueLocal',
};

/** Parses an IP literal in any form a resolver would accept (brackets allowed); null for a host name. */
export function parseIpLiteral(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  // Zone ids (fe80::1%eth0) name a local interface: never a public target.
  const bare = h.includes('%') ? h.slice(0, h.indexOf('%')) : h;
  if (ipaddr.IPv4.isValid(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return null;
}

function classifyV4(ip: ipaddr.IPv4, via?: string): AddressVerdict {
  const address = ip.toString();
  const range: AddressRange = METADATA_ADDRESSES.has(address)
    ? 'metadata'
    : (V4_RANGES[ip.range()] ?? 'reserved');
  return via ? { address, family: 4, range, via } : { address, family: 4, range };
}

function embeddedV4(ip: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = ip.parts;
  const word = (hi: number | undefined, lo: number | undefined) =>
    new ipaddr.IPv4([(hi ?? 0) >> 8, (hi ?? 0) & 0xff, (lo ?? 0) >> 8, (lo ?? 0) & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145') return word(p[6], p[7]);
  // Only the well-known NAT64 prefix 64:ff9b::/96 carries the address in the last 32 bits.
  if (range === 'rfc6052' && p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0) return word(p[6], p[7]);
  if (range === '6to4') return word(p[1], p[2]);
  return null;
}

/*
 * Verdicts by the exact text asked about: a node asks about the same few addresses for every page (each
 * hop's host, each DNS answer), and ipaddr.js's parse and range table were ~1.5 % of a node's CPU
 * (docs/BENCHMARKS.md, session 18, nodes). The verdict is a pure function of the text; frozen, since every
 * caller gets the same object. Emptied when full, so a stream of distinct addresses cannot grow it.
 */
const verdicts = new Map<string, AddressVerdict | null>();
const MAX_VERDICTS = 1024;

/** Classifies an IP literal; null when `host` is not one. */
export function classifyAddress(host: string): AddressVerdict | null {
  let v = verdicts.get(host);
  if (v !== undefined) return v;
  v = classifyUncached(host);
  if (v) Object.freeze(v);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(host, v);
  return v;
}

function classifyUncached(host: string): AddressVerdict | null {
  const ip = parseIpLiteral(host);
  if (!ip) return null;
  if (ip.kind() === 'ipv4') return classifyV4(ip as ipaddr.IPv4);
  const v6 = ip as ipaddr.IPv6;
  const address = v6.toString();
  const r = v6.range();
  const inner = embeddedV4(v6, r);
  if (inner) {
    const verdict = classifyV4(inner, r);
    return { ...verdict, address, family: 6 };
  }
  let range: AddressRange;
  if (METADATA_ADDRESSES.has(address)) range = 'metadata';
  else if (V6_RANGES[r]) range = V6_RANGES[r];
  // Global unicast is 2000::/3; everything else (IPv4-compatible ::/96, discard, teredo, …) is refused.
  else if (r === 'unicast' && ((v6.parts[0] ?? 0) & 0xe000) === 0x2000) range = 'public';
  else range = 'reserved';
  return { address, family: 6, range };
}

/** True when a classified address may be connected to: public unicast, or anything but metadata with allowPrivate. */
export function isAllowedVerdict(v: AddressVerdict, opts: GuardOptions): boolean {
  if (v.range === 'metadata') return false;
  return v.range === 'public' || opts.allowPrivate;
}

/**
 * Host names that need no DNS answer to be judged: cloud metadata services ('metadata', refused
 * always) and localhost / *.localhost (RFC 6761, 'loopback'); null for any other name.
 */
export function classifyHostName(hostName: string): 'metadata' | 'loopback' | null {
  const h = hostName.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOST_NAMES.has(h)) return 'metadata';
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback';
  return null;
}
