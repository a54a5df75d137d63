import { readFile } from 'node:fs/promises';
import type { NoteSigner } from '@sward/core';
import { type Importer, importOptional } from '../optional-dependency.js';
import type { Anchor } from './anchor.js';
import { FileAnchor } from './file-anchor.js';

/** Which anchor a coordinator uses; validated by the config layer, which owns parsing. */
export type AnchorConfig =
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'solana';
      readonly rpcUrl: string;
      /** A Solana CLI keypair file (JSON array of 64 bytes) for the fee payer. */
      readonly keypairPath: string;
      readonly memoProgramId?: string;
      readonly commitment?: 'confirmed' | 'finalized';
    };

/**
 * The anchor a config names, opened and ready; `close` releases the file anchor's handle. A Solana
 * anchor loads @solana/kit (an optional peer dependency) here, on first use; `importer` is for tests.
 * `signer` (the log key) signs file anchor entries; a Solana anchor is signed by its payer instead.
 */
export async function openAnchor(
  config: AnchorConfig,
  importer?: Importer,
  signer?: NoteSigner,
): Promise<Anchor & { close(): Promise<void> }> {
  if (config.kind === 'file') return FileAnchor.open(config.path, signer ? { signer } : {});
  await importOptional('@solana/kit', 'Solana anchors', importer);
  const { payerFromKeypairJson, rpcTransport, SolanaAnchor } = await import('./solana.js');
  const payer = await payerFromKeypairJson(await readFile(config.keypairPath, 'utf8'));
  const transport = rpcTransport(config.rpcUrl, config.commitment ? { commitment: config.commitment } : {});
  return new SolanaAnchor({
    transport,
    payer,
    ...(config.memoProgramId ? { memoProgramId: config.memoProgramId } : {}),
  });
}
