/** Closed set of reasons a core check can fail; callers branch on `code`, humans read `message`. */
export type CoreErrorCode =
  | 'INVALID_SCHEMA'
  | 'BAD_SIGNATURE'
  | 'BAD_KEY'
  | 'HASH_MISMATCH'
  | 'BAD_PROOF'
  | 'BAD_CHECKPOINT'
  | 'BAD_NOTE'
  | 'BAD_ANCHOR'
  | 'OUT_OF_RANGE'
  | 'MISSING_NODE'
  | 'UNKNOWN_SIGNER'
  | 'BAD_POLICY_DOCUMENT';

export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
