import type { Identity } from '@sward/core';

/**
 * The secret delegated Web Bot Auth keys are derived from: the log key's private seed. Coordinators
 * sharing one database already share that key file (log/log-key.ts), so every replica derives the same
 * delegated keys and can sign the directory; HKDF with a label of its own keeps these keys unrelated to
 * the log's signatures.
 */
export function networkSecret(logIdentity: Identity): Buffer {
  const d = logIdentity.privateKey.export({ format: 'jwk' }).d;
  if (typeof d !== 'string') throw new Error('log key: an ed25519 private key without its seed');
  return Buffer.from(d, 'base64url');
}
