/**
 * The rows of a bundle's files, built in one place: `sward crawl` writes them and the coordinator hashes
 * them for the signed manifest, so both must make the same bytes from the same API answers. Key order
 * is part of the bytes: change a builder and old bundles still verify (their manifest names their own
 * hashes), but a CLI and a coordinator of different builders disagree and the CLI says so.
 */

import { canonicalJson } from '../canonical-json.js';
import { creatorTermsOf, type PageUsage, usageOf } from '../rights-receipt.js';
import { BUNDLE_BODIES_FILE } from './bundle-format.js';

/** One line of a JSONL file. */
export const jsonLine = (row: unknown): string => `${JSON.stringify(row)}\n`;
/** A whole JSON file (checkpoints.json, compliance.json): indented, newline-terminated. */
export const jsonFileText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** A stored page as GET /v1/jobs/:id/pages lists it. */
export interface PageListing {
  captureId: string;
  url: string;
  finalUrl: string;
  fetchedAt: string;
  status: number;
  contentType: string | null;
  bodySha256: string;
  bodyLength: number;
  blobPath: string;
  nodeId: string;
  leafIndex: number | null;
  /** Per purpose, from the leaf's rights receipt (null: captured before receipts). */
  usage?: PageUsage | null;
  /** The page was taken from the archive (a capture another job made), not fetched for this job. */
  reused?: boolean;
  signedCapture: unknown;
}

/**
 * A pages.jsonl row (bundle format 2): the listing, where its body is in the pack, its inclusion proof.
 * The signed capture is written with its keys in RFC 8785 order (the listing's is in the node's order),
 * so that JSON.stringify of the parsed row's capture gives the very bytes the node signed.
 */
export function pageRow(
  p: PageListing,
  checkpointSize: number,
  inclusionProof: string[],
  bodyOffset: number,
) {
  // The creator terms the page was captured under, carried forward from its receipt (rows of no claimed
  // domain have no such key, and are byte for byte what they were before).
  const creatorTerms = creatorTermsOf(p.signedCapture);
  return {
    url: p.url,
    finalUrl: p.finalUrl,
    fetchedAt: p.fetchedAt,
    status: p.status,
    contentType: p.contentType,
    bodySha256: p.bodySha256,
    bodyLength: p.bodyLength,
    blobPath: BUNDLE_BODIES_FILE,
    bodyOffset,
    captureId: p.captureId,
    nodeId: p.nodeId,
    leafIndex: p.leafIndex,
    usage: p.usage ?? usageOf(p.signedCapture),
    ...(creatorTerms ? { creatorTerms } : {}),
    ...(p.reused ? { reused: true } : {}),
    signedCapture: JSON.parse(canonicalJson(p.signedCapture)) as unknown,
    provenance: { leafIndex: p.leafIndex, checkpointSize, inclusionProof },
  };
}

/** The extractor that made a document, as documents.jsonl names it. */
export interface ExtractorId {
  name: string;
  version: string;
}

/** A document as GET /v1/jobs/:id/documents lists it. */
export interface DocumentListing {
  captureId: string;
  leafIndex: number | null;
  /** The hash of the body it was extracted from (the capture's). */
  bodySha256: string;
  /** Per purpose, from the capture's rights receipt; absent before receipts. */
  usage?: PageUsage | null;
  document: Record<string, unknown>;
}

/**
 * A documents.jsonl row: bound to its capture (id and body hash) and to the extractor that made it;
 * the extractor's own fields follow in the extractor's order (`sward verify --rederive` rebuilds them).
 */
export function documentRow(d: DocumentListing, checkpointSize: number) {
  const { qualityVerdict: _v, extractor, ...fields } = d.document;
  return {
    captureId: d.captureId,
    bodySha256: d.bodySha256,
    ...(d.usage ? { usage: d.usage } : {}),
    extractor: (extractor as ExtractorId | undefined) ?? null,
    ...fields,
    provenance: { leafIndex: d.leafIndex, checkpointSize },
  };
}
export type DocumentRow = ReturnType<typeof documentRow>;

/**
 * What a skipped or failed URL's reason rests on:
 * - capture: the node-signed capture of the page itself (its status, a noai or TDM header);
 * - policy: the robots.txt or tdmrep.json answer, by its entry in compliance.json (captureId null when no
 *   node got an answer, and the entry says why);
 * - none: no answer exists to show (e.g. max_pages, out of scope, a fetch that failed before any answer).
 */
export type SkipEvidence =
  | { kind: 'capture'; signedCapture: unknown }
  | {
      kind: 'policy';
      policy: 'robots' | 'tdmrep';
      url: string;
      captureId: string | null;
      bodySha256: string | null;
    }
  | { kind: 'none'; why: string };

/** A skipped or failed URL as GET /v1/jobs/:id/skipped lists it. */
export interface SkipListing {
  url: string;
  state: 'skipped' | 'failed';
  reason: string;
  detail: string | null;
  captureId: string | null;
  evidence: SkipEvidence;
}

export function skippedRow(s: SkipListing) {
  return {
    url: s.url,
    state: s.state,
    reason: s.reason,
    detail: s.detail,
    captureId: s.captureId,
    evidence: s.evidence,
  };
}
