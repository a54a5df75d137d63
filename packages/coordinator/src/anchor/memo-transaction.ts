import {
  type Address,
  appendTransactionMessageInstruction,
  type Blockhash,
  createTransactionMessage,
  type KeyPairSigner,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Transaction,
} from '@solana/kit';

export interface BlockhashLifetime {
  readonly blockhash: Blockhash;
  readonly lastValidBlockHeight: bigint;
}

/**
 * A signed v0 transaction with one memo instruction carrying `memo` as UTF-8, paid and signed by
 * `payer`. No accounts are passed to the memo program, so it requires no signer besides the payer.
 */
export async function buildMemoTransaction(args: {
  readonly payer: KeyPairSigner;
  readonly memoProgramId: Address;
  readonly memo: string;
  readonly lifetime: BlockhashLifetime;
}): Promise<Transaction> {
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(args.payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(args.lifetime, m),
    (m) =>
      appendTransactionMessageInstruction(
        { programAddress: args.memoProgramId, data: new TextEncoder().encode(args.memo) },
        m,
      ),
  );
  return signTransactionMessageWithSigners(message);
}
