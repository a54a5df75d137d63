import { type FetchFailureCode, isFetchFailureCode, NodeError } from './errors.js';

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ERR_OSSL_)/;
const CONNECT_CODE = /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|EHOSTDOWN|ENETDOWN)$/;
const DNS_CODE = /^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NODATA|EAI_NONAME|ENODATA|ESERVFAIL)$/;
const TIMEOUT_CODE = /^(UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|ETIMEDOUT)$/;

function codesOf(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') out.push(c);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** Maps whatever undici/node threw to a PROTOCOL failure code (undici wraps socket errors in `cause`). */
export function failureCodeOf(err: unknown): FetchFailureCode {
  if (err instanceof NodeError && isFetchFailureCode(err.code)) return err.code;
  // A NodeError raised inside the connector (pinning) arrives wrapped by undici.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof NodeError) return failureCodeOf(cause);
  const codes = codesOf(err);
  if (codes.some((c) => TIMEOUT_CODE.test(c))) return 'TIMEOUT';
  if (codes.some((c) => TLS_CODE.test(c))) return 'TLS';
  if (codes.some((c) => DNS_CODE.test(c))) return 'DNS';
  if (codes.some((c) => CONNECT_CODE.test(c))) return 'CONNECT';
  return 'NETWORK';
}

export function messageOf(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 3; depth++) {
    if (e instanceof Error) parts.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  return [...new Set(parts)].join(': ') || String(err);
}
