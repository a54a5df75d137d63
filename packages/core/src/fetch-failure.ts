/**
 * Why a node got no HTTP answer, or refused a target itself (docs/PROTOCOL.md `POST /v1/nodes/failures`).
 * One list for both sides of the wire: the node sends these, the coordinator branches on them.
 */
export const FETCH_FAILURE_CODES = [
  'TIMEOUT',
  'DNS',
  'CONNECT',
  'TLS',
  'TOO_LARGE',
  'TOO_MANY_REDIRECTS',
  'BLOCKED_ADDRESS',
  'DOMAIN_DENIED',
  'CAP_REACHED',
  'INACTIVE_HOURS',
  'NETWORK',
] as const;

export type FetchFailureCode = (typeof FETCH_FAILURE_CODES)[number];
