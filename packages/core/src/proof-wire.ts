import { z } from 'zod';

/** A signed checkpoint as the API answers it (GET /v1/log/checkpoints, POST /v1/jobs/:id/seal). */
export const checkpointInfoSchema = z.object({
  size: z.number().int().min(0),
  /** The C2SP signed note. */
  note: z.string(),
  hash: z.string(),
  createdAt: z.number(),
  /** Where the checkpoint is anchored (an anchor ref), null until it is. */
  anchor: z.unknown(),
});
export type CheckpointInfo = z.output<typeof checkpointInfoSchema>;

/** A node-signed capture as the API carries it: the capture's fields are checked by core's capture.ts. */
export const signedRecordSchema = z.object({
  capture: z.record(z.string(), z.unknown()),
  /** The coordinator's rights receipt (core's rights-receipt.ts): part of the log leaf, so of the proof. */
  rights: z.record(z.string(), z.unknown()).optional(),
  signature: z.string(),
});

/**
 * The proof of a stored capture against a signed checkpoint: the signed record, its leaf and the inclusion
 * proof (GET /v1/proofs, POST /v1/scrape), checkable offline with the log's key.
 */
export const rowProofSchema = z.object({
  captureId: z.string(),
  record: signedRecordSchema,
  leafIndex: z.number().int().min(0),
  checkpoint: checkpointInfoSchema,
  /** Base64 sibling hashes, leaf to root. */
  inclusionProof: z.array(z.string()),
});
export type RowProof = z.output<typeof rowProofSchema>;
