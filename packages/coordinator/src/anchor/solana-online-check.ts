import { createSolanaRpc, signature } from '@solana/kit';
import type { SolanaAnchorRef } from '@sward/core';
import { AnchorError } from './anchor-error.js';

export interface OnChainAnchor {
  readonly slot: bigint;
  /** Unix seconds the cluster estimates for the block; null when the node does not know. */
  readonly blockTime: bigint | null;
}

/**
 * The part of a Solana anchor that cannot be checked offline: the ledger holds this exact signed
 * transaction, executed without error. Run core's verifyAnchorRef first; this adds only inclusion.
 * Note that RPC nodes prune history unless they keep an archive: "not found" may mean "too old here".
 */
export async function checkSolanaAnchorOnline(
  rpcUrl: string,
  ref: SolanaAnchorRef,
  opts: { readonly commitment?: 'confirmed' | 'finalized' } = {},
): Promise<OnChainAnchor> {
  const found = await createSolanaRpc(rpcUrl)
    .getTransaction(signature(ref.signature), {
      encoding: 'base64',
      maxSupportedTransactionVersion: 0,
      commitment: opts.commitment ?? 'confirmed',
    })
    .send();
  if (!found) throw new AnchorError('NOT_ON_CHAIN', `the RPC node has no transaction ${ref.signature}`);
  if (found.meta?.err) throw new AnchorError('NOT_ON_CHAIN', `transaction ${ref.signature} failed on chain`);
  if (!Buffer.from(found.transaction[0], 'base64').equals(Buffer.from(ref.transaction, 'base64')))
    throw new AnchorError(
      'NOT_ON_CHAIN',
      `transaction ${ref.signature} on chain differs from the ref's bytes`,
    );
  return { slot: found.slot, blockTime: found.blockTime };
}
