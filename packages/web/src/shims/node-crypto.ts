// node:crypto for core's verification code in the browser. esbuild maps `node:crypto` here when it bundles
// the console (scripts/bundle-console.mjs), so the proof explorer runs core's own verifyRowProof, inclusion
// walk and signed-note checks unchanged; only these primitives differ. WebCrypto would do Ed25519 too, but
// it is asynchronous and core's checks are synchronous; @noble/hashes and @noble/curves are synchronous,
// audited and dependency-free. Ed25519 is verified as node:crypto does (RFC 8032, not ZIP 215).
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

type Encoding = 'hex' | 'base64';

export function createHash(algorithm: string) {
  if (algorithm !== 'sha256') throw new Error(`the console computes only sha256, not ${algorithm}`);
  const h = sha256.create();
  return {
    update(data: Uint8Array | string) {
      h.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      return this;
    },
    digest(encoding?: Encoding): Buffer | string {
      const out = Buffer.from(h.digest());
      return encoding ? out.toString(encoding) : out;
    },
  };
}

/** crypto.hash (Node >= 20.12), which core prefers to createHash when it is there. */
export function hash(
  algorithm: string,
  data: Uint8Array | string,
  encoding?: Encoding | 'buffer',
): Buffer | string {
  return createHash(algorithm)
    .update(data)
    .digest(encoding === 'buffer' ? undefined : encoding);
}

/** The SPKI DER header of an Ed25519 public key (RFC 8410), as core's identity.ts builds it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class KeyObject {
  readonly type = 'public';
  readonly asymmetricKeyType = 'ed25519';
  constructor(readonly raw: Uint8Array) {}
  export(_opts: { format: 'der'; type: 'spki' }): Buffer {
    return Buffer.concat([SPKI_PREFIX, this.raw]);
  }
}

export function createPublicKey(
  input: { key: Uint8Array; format: 'der'; type: 'spki' } | KeyObject,
): KeyObject {
  if (input instanceof KeyObject) return input;
  const der = Buffer.from(input.key);
  if (der.length !== 44 || !der.subarray(0, 12).equals(SPKI_PREFIX))
    throw new Error('the console reads only Ed25519 SPKI public keys');
  return new KeyObject(der.subarray(12));
}

export function verify(
  algorithm: string | null,
  data: Uint8Array,
  key: KeyObject,
  signature: Uint8Array,
): boolean {
  if (algorithm !== null) throw new Error('the console verifies only Ed25519 signatures');
  return ed25519.verify(signature, data, key.raw, { zip215: false });
}

const browserless = (what: string) => () => {
  throw new Error(`${what} is not available in the console: it only verifies`);
};
export const sign = browserless('signing');
export const createPrivateKey = browserless('private keys');
export const generateKeyPairSync = browserless('key generation');
export const createHmac = browserless('HMAC');
export const randomBytes = browserless('random bytes');
export const timingSafeEqual = browserless('timingSafeEqual');
