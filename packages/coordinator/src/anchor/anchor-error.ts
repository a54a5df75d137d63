/**
 * Why anchoring failed. CORRUPT_FILE: stop and have an operator look (never silently start a new
 * chain). SEND_FAILED: the ledger refused the transaction (funds, program) — retrying will not help.
 * NOT_CONFIRMED: the transaction may or may not have landed — retrying anchors again, which is harmless.
 * NOT_ON_CHAIN: an online check found no such successful transaction: the ref is not backed by the ledger.
 */
export type AnchorErrorCode =
  | 'CORRUPT_FILE'
  | 'BAD_INPUT'
  | 'SEND_FAILED'
  | 'NOT_CONFIRMED'
  | 'NOT_ON_CHAIN'
  | 'CLOSED';

export class AnchorError extends Error {
  override readonly name = 'AnchorError';
  constructor(
    readonly code: AnchorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get retryable(): boolean {
    return this.code === 'NOT_CONFIRMED';
  }
}

export function checkCheckpointHash(hex: string): void {
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new AnchorError(
      'BAD_INPUT',
      `checkpoint hash must be 64 lowercase hex characters: ${hex.slice(0, 80)}`,
    );
}
