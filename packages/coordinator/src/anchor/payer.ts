import { createKeyPairSignerFromBytes, type KeyPairSigner } from '@solana/kit';
import { AnchorError } from './anchor-error.js';

/** The payer from a Solana CLI keypair file's text (a JSON array of 64 bytes: secret then public key). */
export async function payerFromKeypairJson(text: string): Promise<KeyPairSigner> {
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch (cause) {
    throw new AnchorError('BAD_INPUT', 'Solana keypair file is not JSON', { cause });
  }
  if (
    !Array.isArray(bytes) ||
    bytes.length !== 64 ||
    !bytes.every((b) => Number.isInteger(b) && b >= 0 && b < 256)
  )
    throw new AnchorError('BAD_INPUT', 'Solana keypair file must be a JSON array of 64 bytes');
  try {
    return await createKeyPairSignerFromBytes(Uint8Array.from(bytes));
  } catch (cause) {
    throw new AnchorError('BAD_INPUT', 'Solana keypair file: public half does not match the secret', {
      cause,
    });
  }
}
