import {
  type AddressVerdict,
  classifyAddress,
  classifyHostName,
  type GuardOptions,
  isAllowedVerdict,
} from '@sward/core/node-side';
import { NodeError } from './errors.js';

/*
 * The node's SSRF guard. Which range an address falls in is decided in core (address-class.ts,
 * shared with the coordinator's webhook sender); this file turns a refusal into a NodeError.
 */

export {
  type AddressRange,
  type AddressVerdict,
  classifyAddress,
  type GuardOptions,
  isAllowedVerdict,
  parseIpLiteral,
} from '@sward/core/node-side';

/** Throws BLOCKED_ADDRESS unless `address` (an IP literal) is a permitted target. */
export function assertAllowedAddress(address: string, opts: GuardOptions): AddressVerdict {
  const v = classifyAddress(address);
  if (!v) throw new NodeError('BLOCKED_ADDRESS', `not an IP address: ${address}`);
  if (!isAllowedVerdict(v, opts)) {
    const via = v.via ? ` via ${v.via}` : '';
    throw new NodeError('BLOCKED_ADDRESS', `refusing ${v.range} address ${v.address}${via}`);
  }
  return v;
}

/** Host names refused before any DNS query: metadata services, and localhost (RFC 6761) unless allowPrivate. */
export function assertAllowedHostName(hostName: string, opts: GuardOptions): void {
  const h = hostName.toLowerCase().replace(/\.$/, '');
  const kind = classifyHostName(h);
  if (kind === 'metadata') throw new NodeError('BLOCKED_ADDRESS', `refusing metadata host ${h}`);
  if (kind === 'loopback' && !opts.allowPrivate)
    throw new NodeError('BLOCKED_ADDRESS', `refusing loopback host ${h}`);
}
