import type { Transaction } from '@solana/kit';
import type { BlockhashLifetime } from './memo-transaction.js';

/**
 * Where a signed transaction goes: an RPC node in production, an in-process litesvm in tests. The
 * anchor builds and signs; the transport only fetches a blockhash and delivers.
 */
export interface SolanaTransport {
  latestBlockhash(): Promise<BlockhashLifetime>;
  /** Resolves once the transaction is confirmed (slot when known); throws AnchorError otherwise. */
  sendAndConfirm(tx: Transaction, lifetime: BlockhashLifetime): Promise<{ slot?: bigint }>;
}
