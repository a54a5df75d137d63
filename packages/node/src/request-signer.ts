import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  ed25519Jwk,
  jwkThumbprint,
  MAX_SIGNATURE_LIFETIME_S,
  signRequest,
  type WebBotAuthHeaders,
} from '@sward/core/node-side';
import { NodeError } from './errors.js';
import type { SigningKeyResponse } from './protocol.js';

interface HeldKey {
  readonly keyid: string;
  readonly privateKey: KeyObject;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly signatureAgent: string;
}

/**
 * Signs every request to a site with Web Bot Auth, on behalf of the network, with the short-lived key
 * the coordinator delegated to this session. A new key is asked for at the current one's half-life;
 * the coordinator keeps the old one listed until its notAfter, and no signature here outlives that,
 * so a site never holds a signature whose key has left the directory.
 */
export class RequestSigner {
  private key: HeldKey | null = null;

  /** Takes a key from POST /v1/nodes/signing-key; refuses one whose keyid is not its own thumbprint. */
  use(k: SigningKeyResponse): void {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: { ...k.jwk }, format: 'jwk' });
    } catch (cause) {
      throw new NodeError('COORDINATOR', 'signing key: not an ed25519 private JWK', { cause });
    }
    const keyid = jwkThumbprint(ed25519Jwk(privateKey));
    if (keyid !== k.keyid)
      throw new NodeError('COORDINATOR', `signing key: keyid ${k.keyid} is not the key's thumbprint ${keyid}`);
    this.key = {
      keyid,
      privateKey,
      notBefore: Date.parse(k.notBefore),
      notAfter: Date.parse(k.notAfter),
      signatureAgent: k.signatureAgent,
    };
  }

  get keyid(): string | null {
    return this.key?.keyid ?? null;
  }

  /** True with no key, or once the key is past half its life. */
  needsRenewal(now: number): boolean {
    const k = this.key;
    return !k || now >= k.notBefore + (k.notAfter - k.notBefore) / 2;
  }

  /** Headers for one request; `expires` is at most five minutes on, and never past the key's notAfter. */
  headers(url: URL, now: number): WebBotAuthHeaders {
    const k = this.key;
    const created = Math.floor(now / 1000);
    const expires = k ? Math.min(created + MAX_SIGNATURE_LIFETIME_S, Math.floor(k.notAfter / 1000)) : 0;
    // Honest traffic: a request that cannot be signed is not sent (DESIGN.md); the lease is retried later.
    if (!k || expires <= created)
      throw new NodeError('NETWORK', 'no valid Web Bot Auth signing key: not sending an unsigned request');
    return signRequest(k.privateKey, url, k.signatureAgent, { created, expires, keyid: k.keyid });
  }
}
