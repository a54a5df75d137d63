import {
  address,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  type KeyPairSigner,
} from '@solana/kit';
import { MEMO_V3_PROGRAM_ID, type SolanaAnchorRef } from '@sward/core';
import type { Anchor } from './anchor.js';
import { checkCheckpointHash } from './anchor-error.js';
import { buildMemoTransaction } from './memo-transaction.js';
import type { SolanaTransport } from './solana-transport.js';

export interface SolanaAnchorOptions {
  readonly transport: SolanaTransport;
  /** Pays the fee and signs; its signature is what verifiers check. */
  readonly payer: KeyPairSigner;
  /** Default: SPL Memo v3, which litesvm bundles and mainnet uses. */
  readonly memoProgramId?: string;
}

/** Anchors a checkpoint as a Solana memo transaction whose memo is the 64-hex checkpoint hash. */
export class SolanaAnchor implements Anchor {
  readonly kind = 'solana';
  private readonly memoProgramId;

  constructor(private readonly opts: SolanaAnchorOptions) {
    this.memoProgramId = address(opts.memoProgramId ?? MEMO_V3_PROGRAM_ID);
  }

  async anchor(checkpointHashHex: string): Promise<SolanaAnchorRef> {
    checkCheckpointHash(checkpointHashHex);
    const lifetime = await this.opts.transport.latestBlockhash();
    const tx = await buildMemoTransaction({
      payer: this.opts.payer,
      memoProgramId: this.memoProgramId,
      memo: checkpointHashHex,
      lifetime,
    });
    const { slot } = await this.opts.transport.sendAndConfirm(tx, lifetime);
    return {
      kind: 'solana',
      signature: getSignatureFromTransaction(tx),
      ...(slot === undefined ? {} : { slot: Number(slot) }),
      checkpointHash: checkpointHashHex,
      memoProgramId: this.memoProgramId,
      transaction: getBase64EncodedWireTransaction(tx),
      payer: this.opts.payer.address,
    };
  }

  /** Nothing to release; present so every anchor can be closed alike. */
  async close(): Promise<void> {}
}
