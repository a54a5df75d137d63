import { z } from 'zod';

/**
 * The proof bundle a crawl's output folder carries (written by `sward crawl`, checked by `sward verify`):
 *   pages.jsonl                  one row per stored page, each with `provenance`
 *   blobs/sha256/…               the raw bodies
 *   provenance/checkpoints.json  the log's verifier key, signed checkpoints, their anchor refs,
 *                                consistency proofs between consecutive checkpoints, and the file
 *                                anchor chains those refs are entries of
 */
export const BUNDLE_CHECKPOINTS_FILE = 'provenance/checkpoints.json';

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
