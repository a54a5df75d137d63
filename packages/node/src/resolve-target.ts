import { lookup } from 'node:dns/promises';
import {
  assertAllowedAddress,
  assertAllowedHostName,
  classifyAddress,
  type GuardOptions,
} from './address-guard.js';
import { NodeError } from './errors.js';
import { failureCodeOf, messageOf } from './fetch-errors.js';
import type { PinnedAddress, PinnedTarget } from './pinned-connector.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Asks DNS for every address of a host name; swappable so tests can play a rebinding resolver. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Resolves a URL host and checks it with the SSRF guard. Every address DNS returns must pass,
 * not just the one we would use: a name that mixes public and private answers is refused.
 */
export async function resolveCheckedTarget(
  urlHostname: string,
  opts: GuardOptions & { resolver: Resolver },
): Promise<PinnedTarget> {
  const hostname = urlHostname.startsWith('[') ? urlHostname.slice(1, -1) : urlHostname;
  // classifyAddress, not parseIpLiteral: its verdict is remembered, and assertAllowedAddress asks again
  if (classifyAddress(hostname)) {
    const v = assertAllowedAddress(hostname, opts);
    return { hostname, addresses: [{ address: v.address, family: v.family }] };
  }
  assertAllowedHostName(hostname, opts);
  let answers: readonly ResolvedAddress[];
  try {
    answers = await opts.resolver(hostname);
  } catch (cause) {
    const code = failureCodeOf(cause);
    throw new NodeError(
      code === 'NETWORK' ? 'DNS' : code,
      `DNS lookup of ${hostname} failed: ${messageOf(cause)}`,
      {
        cause,
      },
    );
  }
  const checked: PinnedAddress[] = answers.map((a) => {
    try {
      assertAllowedAddress(a.address, opts);
    } catch (e) {
      throw new NodeError(
        'BLOCKED_ADDRESS',
        `${hostname} resolves to ${(e as Error).message.replace(/^refusing /, '')}`,
      );
    }
    // Connect to the address as DNS gave it (an IPv4-mapped answer stays IPv6 on the wire).
    return { address: a.address, family: a.family === 6 ? 6 : 4 };
  });
  const [first, ...rest] = checked;
  if (!first) throw new NodeError('DNS', `DNS lookup of ${hostname} returned no address`);
  return { hostname, addresses: [first, ...rest] };
}
