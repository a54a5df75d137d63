/** A signed checkpoint as the API answers it (GET /v1/log/checkpoints, POST /v1/jobs/:id/seal). */
export interface CheckpointInfo {
  size: number;
  /** The C2SP signed note. */
  note: string;
  hash: string;
  createdAt: number;
  anchor: unknown;
}

/**
 * The proof of a stored capture against a signed checkpoint: the signed record, its leaf and the inclusion
 * proof (GET /v1/proofs, POST /v1/scrape), checkable offline with the log's key.
 */
export interface RowProof {
  captureId: string;
  record: { capture: Record<string, unknown>; signature: string };
  leafIndex: number;
  checkpoint: CheckpointInfo;
  /** Base64 sibling hashes, leaf to root. */
  inclusionProof: string[];
}
