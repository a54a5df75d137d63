import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { rootCertificates, type TLSSocket } from 'node:tls';
import ipaddr from 'ipaddr.js';
import type { buildConnector as BuildConnector } from 'undici';
import { NodeError } from './errors.js';
import { buildConnector } from './undici-parts.js';

/** What one connection turned out to be: the address actually connected to and, for https, the peer cert. */
export interface ConnectionFacts {
  ip: string | null;
  tlsCertSha256: string | null;
}

export interface PinnedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export interface PinnedTarget {
  /** The host name as it appears in the URL (what DNS was asked about). */
  readonly hostname: string;
  /** The addresses the guard checked, in DNS order; the socket goes to one of them and nowhere else. */
  readonly addresses: readonly [PinnedAddress, ...PinnedAddress[]];
}

function sameAddress(a: string, b: string): boolean {
  try {
    return ipaddr.process(a).toString() === ipaddr.process(b).toString();
  } catch {
    return false;
  }
}

/**
 * An undici connector that never asks DNS again: its `lookup` answers with the addresses the guard
 * already checked, so a rebinding resolver cannot swap in another one between check and connect.
 * It also records the connected address and the TLS peer certificate fingerprint (SHA-256 of DER),
 * and refuses the socket if the kernel reports a different peer than the checked address.
 */
export function pinnedConnector(
  target: PinnedTarget,
  facts: ConnectionFacts,
  options: { connectTimeoutMs: number; extraCa?: string | readonly string[] },
) {
  const lookup: LookupFunction = (hostname, opts, callback) => {
    if (hostname.toLowerCase() !== target.hostname.toLowerCase()) {
      callback(new NodeError('BLOCKED_ADDRESS', `unchecked host ${hostname}`), '', 0);
      return;
    }
    // Node 20 asks for `all` when autoSelectFamily is on (happy eyeballs over every checked
    // address, so a dual-stack host still works); answer in the shape it asked for.
    const [first] = target.addresses;
    if (opts.all)
      (callback as unknown as (e: null, a: readonly PinnedAddress[]) => void)(null, target.addresses);
    else callback(null, first.address, first.family);
  };
  const extra = options.extraCa === undefined ? [] : [options.extraCa].flat();
  const base = buildConnector({
    lookup,
    timeout: options.connectTimeoutMs,
    // The public roots stay trusted; an extra CA (tests, a demo site) is added, not substituted.
    ...(extra.length ? { ca: [...rootCertificates, ...extra] } : {}),
  });
  const connect: BuildConnector.connector = (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) {
        callback(err ?? new Error('no socket'), null);
        return;
      }
      const peer = socket.remoteAddress ?? '';
      if (!target.addresses.some((a) => sameAddress(peer, a.address))) {
        socket.destroy();
        callback(
          new NodeError('BLOCKED_ADDRESS', `connected to ${peer}, which the guard did not check`),
          null,
        );
        return;
      }
      facts.ip = ipaddr.process(peer).toString();
      if (opts.protocol === 'https:') {
        const raw = (socket as TLSSocket).getPeerCertificate().raw;
        facts.tlsCertSha256 = raw ? createHash('sha256').update(raw).digest('hex') : null;
      }
      callback(null, socket);
    });
  };
  return connect;
}
