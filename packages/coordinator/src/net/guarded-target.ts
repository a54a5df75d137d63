import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { classifyAddress, classifyHostName, isAllowedVerdict, parseIpLiteral } from '@sward/core';

/*
 * The coordinator's own outbound requests aim at hosts a customer or a publisher named (a webhook, a
 * domain claim's well-known file), so each is an SSRF guard: every DNS answer must be public unicast
 * (core's classifyAddress, the rule the node's fetcher uses), the socket is pinned to the checked
 * addresses (no second DNS query a rebinding resolver could answer differently), and bodies are read
 * only up to a cap. Shared by collections/webhooks.ts and creators/domain-proof.ts.
 */

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Asks DNS for every address of a host name; swappable so tests can play any resolver. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface PinnedTarget {
  readonly hostname: string;
  readonly addresses: readonly { address: string; family: 4 | 6 }[];
}

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Rejects when `signal` aborts, so a hung resolver cannot outlive the attempt's deadline. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Checks the URL host and every address it resolves to; a string says why it is refused. */
export async function checkTarget(
  urlHostname: string,
  allowPrivate: boolean,
  resolver: Resolver,
  signal: AbortSignal,
): Promise<PinnedTarget | string> {
  const guard = { allowPrivate };
  const hostname = urlHostname.startsWith('[') ? urlHostname.slice(1, -1) : urlHostname;
  if (parseIpLiteral(hostname)) {
    const v = classifyAddress(hostname);
    if (!v || !isAllowedVerdict(v, guard)) return `refusing ${v?.range ?? 'unknown'} address ${hostname}`;
    return { hostname, addresses: [{ address: v.address, family: v.family }] };
  }
  const named = classifyHostName(hostname);
  if (named === 'metadata' || (named === 'loopback' && !allowPrivate))
    return `refusing ${named} host ${hostname}`;
  const answers = await raceAbort(resolver(hostname), signal);
  if (answers.length === 0) throw new Error(`DNS lookup of ${hostname} returned no address`);
  for (const a of answers) {
    const v = classifyAddress(a.address);
    if (!v || !isAllowedVerdict(v, guard))
      return `refusing ${hostname}: it resolves to ${v?.range ?? 'unparseable'} address ${a.address}`;
  }
  return {
    hostname,
    addresses: answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })),
  };
}

/** A `lookup` that never asks DNS: it answers with the addresses checkTarget already judged. */
export function pinnedLookup(target: PinnedTarget): LookupFunction {
  return (hostname, opts, callback) => {
    const first = target.addresses[0];
    if (!first || hostname.toLowerCase() !== target.hostname.toLowerCase()) {
      callback(new Error(`unchecked host ${hostname}`), '', 0);
      return;
    }
    // Node asks for `all` when autoSelectFamily is on (happy eyeballs); answer in the shape asked for.
    if (opts.all)
      (callback as unknown as (e: null, a: PinnedTarget['addresses']) => void)(null, target.addresses);
    else callback(null, first.address, first.family);
  };
}

/** Reads at most `max` bytes of a response body, then drops the rest with the connection. */
export async function drainCapped(body: Readable, max: number): Promise<void> {
  let total = 0;
  try {
    for await (const chunk of body) {
      total += (chunk as Buffer).length;
      if (total > max) break;
    }
  } catch {
    // The status is what counts; a body cut short by the deadline changes nothing.
  } finally {
    body.destroy();
  }
}
