import { z } from 'zod';

/**
 * The proof bundle a crawl's output folder carries (written by `sward crawl`, checked by `sward verify`):
 *   pages.jsonl                  one row per stored page, each with `provenance`
 *   bodies.pack                  the raw bodies, each distinct body once, one after the other (format 2;
 *                                format 1 had one file per body under blobs/sha256/…)
 *   provenance/checkpoints.json  the format number, the log's verifier key, signed checkpoints, their
 *                                anchor refs, consistency proofs between consecutive checkpoints, and the
 *                                file anchor chains those refs are entries of
 */
export const BUNDLE_CHECKPOINTS_FILE = 'provenance/checkpoints.json';

/**
 * The bundle format writers produce. 3: format 2, and a row's log leaf (`signedCapture`) may carry the
 * coordinator's rights receipt (`rights`, docs/PROTOCOL.md "Purposes and rights receipts") and the row its
 * per-purpose `usage`: a verifier that predates receipts refuses the format by number rather than failing
 * every receipt as an unknown key. 2: bodies in one pack file, rows point at their body by offset, and each
 * row's signed capture is written with its keys in RFC 8785 order, so the verifier gets the signed bytes from
 * JSON.stringify instead of a canonicaliser. 1 (no `bundleFormat` in checkpoints.json): one file per body.
 * 1 and 2 are still read.
 */
export const BUNDLE_FORMAT = 3;
/** The formats this verifier reads. */
export const BUNDLE_FORMATS_READ: readonly number[] = [1, 2, 3];
/** Format 2's pack of bodies; a row's body is `bodyLength` bytes at `bodyOffset` in it. */
export const BUNDLE_BODIES_FILE = 'bodies.pack';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

export const rowProvenanceSchema = z.object({
  leafIndex: z.number().int().min(0),
  checkpointSize: z.number().int().min(1),
  inclusionProof: z.array(b64).max(64),
});
export type RowProvenance = z.infer<typeof rowProvenanceSchema>;

export const bundlePageRowSchema = z.object({
  url: z.string(),
  finalUrl: z.string(),
  status: z.number().int(),
  bodySha256: z.string(),
  bodyLength: z.number().int(),
  blobPath: z.string(),
  /** Format 2: where the body starts in the pack (`blobPath`). */
  bodyOffset: z.number().int().min(0).optional(),
  captureId: z.string(),
  nodeId: z.string(),
  signedCapture: z.unknown(),
  provenance: rowProvenanceSchema,
});
export type BundlePageRow = z.infer<typeof bundlePageRowSchema>;

export const bundleCheckpointSchema = z.object({
  size: z.number().int().min(1),
  note: z.string(),
  hash: z.string(),
  anchor: z.unknown().nullable(),
});

export const bundleCheckpointsSchema = z.object({
  /** Absent in format 1 bundles. */
  bundleFormat: z.number().int().min(1).optional(),
  origin: z.string(),
  verifierKey: z.string(),
  checkpoints: z.array(bundleCheckpointSchema).min(1),
  consistency: z.array(z.object({ from: z.number().int(), to: z.number().int(), proof: z.array(b64) })),
  /**
   * File anchor chains: for each anchor file that anchored one of the checkpoints, its entries from the
   * first such checkpoint's to the last, each signed by the log key (core's anchor-chain.ts).
   */
  anchorChains: z
    .array(z.object({ chain: z.string(), entries: z.array(z.unknown()).max(1_000_000) }))
    .optional(),
});
export type BundleCheckpoints = z.infer<typeof bundleCheckpointsSchema>;
