import {
  type Capture,
  type Identity,
  type RedirectHop,
  type SIGNED_HEADERS,
  sha256Hex,
  signCapture,
} from '@sward/core';

type SignedHeader = (typeof SIGNED_HEADERS)[number];

/** Builds a node's signed capture upload for a lease, as a real node would after fetching. */
export function captureUpload(
  node: Identity,
  lease: { leaseId: string; jobId: string; url: string },
  res: {
    status?: number;
    body?: string | Buffer;
    headers?: Partial<Record<SignedHeader, string>>;
    finalUrl?: string;
    redirects?: RedirectHop[];
    /** The fetch's times as the node signs them (default: now). */
    fetchStart?: string;
    fetchEnd?: string;
  },
) {
  const body = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body ?? '<html><body>hi</body></html>');
  const capture: Capture = {
    v: 1,
    jobId: lease.jobId,
    leaseId: lease.leaseId,
    nodeId: node.id,
    requestedUrl: lease.url,
    finalUrl: res.finalUrl ?? lease.url,
    redirects: res.redirects ?? [],
    status: res.status ?? 200,
    headers: { 'content-type': 'text/html; charset=utf-8', ...res.headers },
    bodySha256: sha256Hex(body),
    bodyLength: body.length,
    fetchStart: res.fetchStart ?? new Date().toISOString(),
    fetchEnd: res.fetchEnd ?? new Date().toISOString(),
    tlsCertSha256: null,
    ip: '127.0.0.1',
  };
  const sc = signCapture(node, capture);
  return { ...sc, body: body.toString('base64') };
}
