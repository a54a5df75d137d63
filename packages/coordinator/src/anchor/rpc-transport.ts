import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Commitment,
  createSolanaRpc,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  isSolanaError,
  type Signature,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
} from '@solana/kit';
import { AnchorError } from './anchor-error.js';
import type { SolanaTransport } from './solana-transport.js';

export interface RpcTransportOptions {
  /** Default 'confirmed'; 'finalized' waits ~13 s longer but cannot be rolled back. */
  readonly commitment?: 'confirmed' | 'finalized';
  /** Between status polls; default 500 ms (about a slot). */
  readonly pollMs?: number;
}

const RANK: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 2 };

/**
 * Delivers through any Solana JSON-RPC URL. Confirms by polling getSignatureStatuses rather than a
 * websocket subscription, so one HTTP URL is all an operator configures; it gives up (retryably) once
 * the blockhash has expired, after which the transaction can no longer land.
 */
export function rpcTransport(url: string, opts: RpcTransportOptions = {}): SolanaTransport {
  const rpc = createSolanaRpc(url);
  const commitment = opts.commitment ?? 'confirmed';
  const pollMs = opts.pollMs ?? 500;
  return {
    async latestBlockhash() {
      try {
        const { value } = await rpc.getLatestBlockhash({ commitment }).send();
        return value;
      } catch (cause) {
        throw new AnchorError('NOT_CONFIRMED', 'RPC node unreachable: no blockhash, nothing sent', { cause });
      }
    },
    async sendAndConfirm(tx, lifetime) {
      const signature = getSignatureFromTransaction(tx);
      try {
        await rpc
          .sendTransaction(getBase64EncodedWireTransaction(tx), {
            encoding: 'base64',
            preflightCommitment: commitment,
          })
          .send();
      } catch (cause) {
        // Preflight rejections (no funds, bad program) are permanent; transport errors are not, but we
        // cannot tell whether the node forwarded the transaction, so the status poll below decides.
        if (isPreflightFailure(cause))
          throw new AnchorError('SEND_FAILED', `RPC refused ${signature}`, { cause });
      }
      try {
        return await poll(signature, lifetime.lastValidBlockHeight);
      } catch (cause) {
        if (cause instanceof AnchorError) throw cause;
        // The URL is left out of messages on purpose: providers often put an API key in it.
        throw new AnchorError('NOT_CONFIRMED', `lost the RPC node while confirming ${signature}`, { cause });
      }
    },
  };

  async function poll(signature: Signature, lastValidBlockHeight: bigint): Promise<{ slot: bigint }> {
    for (;;) {
      const { value } = await rpc.getSignatureStatuses([signature]).send();
      const status = value[0];
      if (status?.err)
        throw new AnchorError('SEND_FAILED', `${signature} failed: ${JSON.stringify(status.err, big)}`);
      if (status?.confirmationStatus && RANK[status.confirmationStatus] >= RANK[commitment])
        return { slot: status.slot };
      const height = await rpc.getBlockHeight({ commitment }).send();
      if (height > lastValidBlockHeight)
        throw new AnchorError('NOT_CONFIRMED', `${signature} not ${commitment} before its blockhash expired`);
      await sleep(pollMs);
    }
  }
}

function isPreflightFailure(e: unknown): boolean {
  return (
    isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE) ||
    isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE)
  );
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
