import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { CoreError } from './errors.js';

/**
 * An ed25519 identity. Node ids are the hex of the raw 32-byte public key, so a signature can be
 * checked from the id alone; whether the id is *trusted* is the coordinator's registry's business.
 */
export interface Identity {
  readonly id: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function generateIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { id: publicKeyHex(publicKey), publicKey, privateKey };
}

export function publicKeyHex(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length).toString('hex');
}

/*
 * Parsed public keys by lowercase hex of the raw key. createPublicKey costs about as much as the
 * ed25519 verification itself, and a bundle or a crawl checks many signatures from a handful of
 * nodes. KeyObjects are immutable, so sharing one is safe. The map is emptied when it reaches
 * KEY_CACHE_MAX entries: a simple bound that stops a stream of distinct (e.g. hostile) ids from
 * growing it without end.
 */
const KEY_CACHE_MAX = 10_000;
const keyCache = new Map<string, KeyObject>();

function cachedKey(hex: string, raw: Uint8Array): KeyObject {
  let key = keyCache.get(hex);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(hex, key);
  }
  return key;
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32)
    throw new CoreError('BAD_KEY', `ed25519 public key must be 32 bytes, got ${raw.length}`);
  return cachedKey(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex'), raw);
}

export function publicKeyFromHex(hex: string): KeyObject {
  // A hit was validated when it was stored; only a miss pays for the check and the parse.
  const hit = keyCache.get(hex);
  if (hit !== undefined) return hit;
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new CoreError('BAD_KEY', `not a hex ed25519 public key: ${hex.slice(0, 80)}`);
  return cachedKey(hex, Buffer.from(hex, 'hex'));
}

/** PEM (PKCS#8) text of the private key, for the node's key file. */
export function exportPrivateKeyPem(identity: Identity): string {
  return identity.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function identityFromPem(pem: string): Identity {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (cause) {
    throw new CoreError('BAD_KEY', 'key file is not a PEM private key', { cause });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new CoreError('BAD_KEY', `key file holds a ${privateKey.asymmetricKeyType} key, expected ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { id: publicKeyHex(publicKey), publicKey, privateKey };
}

export function signBytes(identity: Identity, data: Uint8Array): string {
  return sign(null, data, identity.privateKey).toString('base64');
}

export function verifyBytes(publicKeyHexId: string, data: Uint8Array, signatureB64: string): boolean {
  const key = publicKeyFromHex(publicKeyHexId);
  const sig = Buffer.from(signatureB64, 'base64');
  if (sig.length !== 64) return false;
  return verify(null, data, key, sig);
}
