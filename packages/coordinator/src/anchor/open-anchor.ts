import { readFile } from 'node:fs/promises';
import type { Anchor } from './anchor.js';
import { FileAnchor } from './file-anchor.js';
import { payerFromKeypairJson } from './payer.js';
import { rpcTransport } from './rpc-transport.js';
import { SolanaAnchor } from './solana-anchor.js';

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

/** The anchor a config names, opened and ready; `close` releases the file anchor's handle. */
export async function openAnchor(config: AnchorConfig): Promise<Anchor & { close(): Promise<void> }> {
  if (config.kind === 'file') return FileAnchor.open(config.path);
  const payer = await payerFromKeypairJson(await readFile(config.keypairPath, 'utf8'));
  const transport = rpcTransport(config.rpcUrl, config.commitment ? { commitment: config.commitment } : {});
  return new SolanaAnchor({
    transport,
    payer,
    ...(config.memoProgramId ? { memoProgramId: config.memoProgramId } : {}),
  });
}
