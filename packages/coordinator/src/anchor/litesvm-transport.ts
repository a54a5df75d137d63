import type { Blockhash, Transaction } from '@solana/kit';
import { AnchorError } from './anchor-error.js';
import type { SolanaTransport } from './solana-transport.js';

/** The litesvm methods we call; litesvm's LiteSVM satisfies it, so this file never loads litesvm. */
export interface LiteSvmLike {
  latestBlockhash(): Blockhash;
  sendTransaction(tx: Transaction): object;
  getClock(): { readonly slot: bigint };
}

/** Delivers to an in-process litesvm: synchronous and final, so "confirmed" is immediate. */
export function liteSvmTransport(svm: LiteSvmLike): SolanaTransport {
  return {
    async latestBlockhash() {
      // litesvm does not expire blockhashes by height, so any bound will do.
      return { blockhash: svm.latestBlockhash(), lastValidBlockHeight: 2n ** 63n };
    },
    async sendAndConfirm(tx) {
      const result = svm.sendTransaction(tx);
      // FailedTransactionMetadata is the only result type with err().
      if ('err' in result)
        throw new AnchorError('SEND_FAILED', `litesvm refused the anchor: ${String(result)}`);
      return { slot: svm.getClock().slot };
    },
  };
}
