import type { BundleFailure, SolanaAnchorRef } from '@sward/core';

/** What `sward verify --rpc` found on chain. */
export interface OnChainResult {
  /** Solana anchors looked up. */
  checked: number;
  failures: BundleFailure[];
}

export interface OnChainOptions {
  /** Lowest commitment accepted; default 'confirmed' (finalized transactions count too). */
  commitment?: 'confirmed' | 'finalized';
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

interface GetTransactionResult {
  slot: number;
  transaction: [string, string];
  meta: { err: unknown } | null;
}

/**
 * Confirms each Solana anchor on chain, the part no offline check can do: the RPC node's ledger holds
 * the very transaction the bundle carries (so its memo, checked offline to be the checkpoint hash,
 * is on chain), at the commitment asked for, executed without error, in the slot the bundle names.
 * Plain JSON-RPC over fetch, so the SDK needs no Solana library. Run only on refs that verified offline.
 * Messages never name the URL: providers put API keys in it.
 */
export async function checkAnchorsOnChain(
  rpcUrl: string,
  refs: readonly { size: number; ref: SolanaAnchorRef }[],
  opts: OnChainOptions = {},
): Promise<OnChainResult> {
  const failures: BundleFailure[] = [];
  const commitment = opts.commitment ?? 'confirmed';
  for (const { size, ref } of refs) {
    const fail = (message: string) =>
      failures.push({ row: null, check: 'anchor on chain', message: `checkpoint ${size}: ${message}` });
    let found: GetTransactionResult | null;
    try {
      found = await getTransaction(rpcUrl, ref.signature, commitment, opts.timeoutMs ?? 30_000);
    } catch (e) {
      fail(`could not ask the RPC node for ${ref.signature}: ${(e as Error).message}`);
      continue;
    }
    if (!found) {
      fail(`transaction ${ref.signature} is not on chain (not ${commitment} on this RPC node)`);
      continue;
    }
    if (found.meta?.err != null) fail(`transaction ${ref.signature} failed on chain`);
    const wire = Array.isArray(found.transaction) ? found.transaction[0] : null;
    if (
      typeof wire !== 'string' ||
      !Buffer.from(wire, 'base64').equals(Buffer.from(ref.transaction, 'base64'))
    )
      fail(
        `transaction ${ref.signature} on chain is not the one in the bundle (memo, payer or message differ)`,
      );
    if (ref.slot !== undefined && Number(found.slot) !== ref.slot)
      fail(`transaction ${ref.signature} is in slot ${found.slot}, the bundle says ${ref.slot}`);
  }
  return { checked: refs.length, failures };
}

async function getTransaction(
  url: string,
  signature: string,
  commitment: string,
  timeoutMs: number,
): Promise<GetTransactionResult | null> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'getTransaction',
      params: [signature, { encoding: 'base64', commitment, maxSupportedTransactionVersion: 0 }],
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { result?: GetTransactionResult | null; error?: { message?: unknown } };
  if (body.error) throw new Error(`RPC error: ${String(body.error.message ?? 'unknown').slice(0, 200)}`);
  return body.result ?? null;
}
