import { createPrivateKey, type KeyObject, randomFillSync } from 'node:crypto';
import {
  ed25519Jwk,
  jwkThumbprint,
  MAX_SIGNATURE_LIFETIME_S,
  signRequest,
  type WebBotAuthHeaders,
} from '@sward/core/node-side';
import { NodeError } from './errors.js';
import type { SigningKeyResponse } from './protocol.js';

const NONCE_BYTES = 64;

interface HeldKey {
  readonly keyid: string;
  readonly privateKey: KeyObject;
  readonly notBefore: number;
  readonly useFrom: number;
  readonly notAfter: number;
  readonly signatureAgent: string;
}

/**
 * Signs every request to a site with Web Bot Auth, on behalf of the network, with the short-lived key
 * the coordinator delegated to this session. The next key is asked for at the current one's half-life
 * and used only from its `useFrom`, once every cached copy of the directory lists it; the old key stays
 * listed until its notAfter and no signature here outlives that. So a rotation never shows a site a
 * signature whose key is missing from its copy of the directory.
 */
export class RequestSigner {
  private key: HeldKey | null = null;
  private next: HeldKey | null = null;
  /** Random bytes for nonces, drawn from the system's generator 64 nonces at a time (one call, not one each). */
  private readonly random = Buffer.alloc(NONCE_BYTES * 64);
  private randomAt = this.random.length;

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
      throw new NodeError(
        'COORDINATOR',
        `signing key: keyid ${k.keyid} is not the key's thumbprint ${keyid}`,
      );
    const held: HeldKey = {
      keyid,
      privateKey,
      notBefore: Date.parse(k.notBefore),
      useFrom: Date.parse(k.useFrom ?? k.notBefore),
      notAfter: Date.parse(k.notAfter),
      signatureAgent: k.signatureAgent,
    };
    // The first key is used at once (no signature has been made yet, nothing to keep verifiable).
    if (this.key && Date.now() < this.key.notAfter) this.next = held;
    else this.key = held;
  }

  get keyid(): string | null {
    return this.key?.keyid ?? null;
  }

  /** True with no usable key, or once the key is past half its life and no next key is waiting. */
  needsRenewal(now: number): boolean {
    this.promote(now);
    const k = this.key;
    if (!k || now >= k.notAfter) return true;
    return !this.next && now >= k.notBefore + (k.notAfter - k.notBefore) / 2;
  }

  private promote(now: number): void {
    if (this.next && now >= this.next.useFrom) {
      this.key = this.next;
      this.next = null;
    }
  }

  /**
   * Headers for one request; `expires` is at most five minutes on, and never past the key's notAfter.
   * `covered`: further request headers the signature covers (a pay-per-crawl price offer).
   */
  headers(url: URL, now: number, covered: Readonly<Record<string, string>> = {}): WebBotAuthHeaders {
    this.promote(now);
    const k = this.key;
    const created = Math.floor(now / 1000);
    const expires = k ? Math.min(created + MAX_SIGNATURE_LIFETIME_S, Math.floor(k.notAfter / 1000)) : 0;
    // Honest traffic: a request that cannot be signed is not sent (DESIGN.md); the lease is retried later.
    if (!k || expires <= created)
      throw new NodeError('NETWORK', 'no valid Web Bot Auth signing key: not sending an unsigned request');
    const nonce = this.nonce();
    return signRequest(
      k.privateKey,
      url,
      k.signatureAgent,
      { created, expires, keyid: k.keyid, nonce },
      covered,
    );
  }

  /** A fresh 64-byte nonce, base64, as signRequest would draw on its own. */
  private nonce(): string {
    if (this.randomAt === this.random.length) {
      randomFillSync(this.random);
      this.randomAt = 0;
    }
    const n = this.random.toString('base64', this.randomAt, this.randomAt + NONCE_BYTES);
    this.randomAt += NONCE_BYTES;
    return n;
  }
}
