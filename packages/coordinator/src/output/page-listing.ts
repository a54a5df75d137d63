import { type PageListing, usageOf } from '@sward/core';
import type { BlobStore } from '../blob/blob-store.js';
import type { CaptureRow } from '../store/types.js';

/** A stored page as GET /v1/jobs/:id/pages lists it (and a bundle's pages.jsonl is built from). */
export function pageListing(p: CaptureRow, blobs: BlobStore): PageListing & { seq: number } {
  return {
    seq: p.seq,
    captureId: p.id,
    url: p.requestedUrl,
    finalUrl: p.finalUrl,
    fetchedAt: new Date(p.fetchedAt).toISOString(),
    status: p.status,
    contentType: p.contentType,
    bodySha256: p.bodySha256,
    bodyLength: p.bodyLength,
    blobPath: blobs.relativePath(p.bodySha256),
    nodeId: p.nodeId,
    leafIndex: p.leafIndex,
    ...(p.reused ? { reused: true } : {}),
    ...withUsage(JSON.parse(p.signed)),
  };
}

/** The leaf and its per-purpose decisions (from its rights receipt; null before receipts). */
function withUsage(signedCapture: unknown) {
  return { usage: usageOf(signedCapture), signedCapture };
}
