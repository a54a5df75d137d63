import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { CoreError } from '../errors.js';
import { sha256 } from '../hash.js';
import { type Identity, publicKeyFromRaw, publicKeyHex } from '../identity.js';
import { decodeBase64Strict } from './base64.js';

/** A key that can check note signatures: (name, keyId) is how signature lines find it. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Uint8Array;
}

/** C2SP signed-note signature type byte for Ed25519. */
const ED25519 = 0x01;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Key names are non-empty, with no Unicode space and no '+' (the vkey field separator). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}+]/u.test(name);
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) throw new CoreError('BAD_KEY', `invalid note key name ${JSON.stringify(name)}`);
}

/** C2SP key ID: SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4], big-endian. */
export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  const digest = sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), publicKey]));
  return digest.readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Verifier for any node:crypto public key; ECDSA signatures are DER over SHA-256 (as Rekor v1 signs). */
export function noteVerifierFromKey(name: string, keyId: number, key: KeyObject): NoteVerifier {
  checkName(name);
  const digest = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return {
    name,
    keyId,
    verify: (message, signature) => {
      try {
        return verify(digest, message, key, signature);
      } catch {
        return false; // malformed DER and the like: a failed signature, not a crash
      }
    },
  };
}

function splitKey(text: string, what: string): { name: string; keyId: number; key: Buffer } {
  // Base64 itself may contain '+', so only the first two '+' separate fields.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new CoreError('BAD_KEY', `${what} must be name+keyid+base64`);
  const name = text.slice(0, first);
  const hash = text.slice(first + 1, second);
  const b64 = text.slice(second + 1);
  checkName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(hash))
    throw new CoreError('BAD_KEY', `${what} key ID ${hash} is not 8 hex digits`);
  const key = decodeBase64Strict(b64);
  if (key?.length !== 33 || key[0] !== ED25519)
    throw new CoreError('BAD_KEY', `${what} for ${name} is not base64(0x01 || 32-byte Ed25519 key)`);
  return { name, keyId: Number.parseInt(hash, 16), key: key.subarray(1) };
}

/** Parses a C2SP verifier key "name+keyid+base64(0x01 || pubkey)"; the key ID must match the key. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const { name, keyId, key } = splitKey(vkey.trim(), 'verifier key');
  if (ed25519KeyId(name, key) !== keyId)
    throw new CoreError(
      'BAD_KEY',
      `verifier key ${name} says key ID ${keyIdHex(keyId)}, key gives ${keyIdHex(ed25519KeyId(name, key))}`,
    );
  return noteVerifierFromKey(name, keyId, publicKeyFromRaw(key));
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  checkName(name);
  const raw = Buffer.concat([Buffer.from([ED25519]), publicKey]);
  return `${name}+${keyIdHex(ed25519KeyId(name, publicKey))}+${raw.toString('base64')}`;
}

function signerFrom(name: string, privateKey: KeyObject): NoteSigner {
  checkName(name);
  const publicKey = Buffer.from(publicKeyHex(createPublicKey(privateKey)), 'hex');
  return { name, keyId: ed25519KeyId(name, publicKey), sign: (message) => sign(null, message, privateKey) };
}

/** Parses a Go-compatible signer key "PRIVATE+KEY+name+keyid+base64(0x01 || seed)". Keep it secret. */
export function parseSignerKey(skey: string): NoteSigner {
  const text = skey.trim();
  if (!text.startsWith('PRIVATE+KEY+'))
    throw new CoreError('BAD_KEY', 'signer key must start with PRIVATE+KEY+');
  const { name, keyId, key: seed } = splitKey(text.slice('PRIVATE+KEY+'.length), 'signer key');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const signer = signerFrom(name, privateKey);
  if (signer.keyId !== keyId)
    throw new CoreError(
      'BAD_KEY',
      `signer key ${name} says key ID ${keyIdHex(keyId)}, key gives ${keyIdHex(signer.keyId)}`,
    );
  return signer;
}

/** A log key named `name` from an existing ed25519 identity (e.g. the coordinator's). */
export function noteSignerFromIdentity(name: string, identity: Identity): NoteSigner {
  return signerFrom(name, identity.privateKey);
}

/** A fresh key pair as the text forms the Go tools use. */
export function generateNoteKeys(name: string): { signerKey: string; verifierKey: string } {
  checkName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
  const pub = Buffer.from(publicKeyHex(publicKey), 'hex');
  const id = keyIdHex(ed25519KeyId(name, pub));
  const rawSeed = Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64');
  return { signerKey: `PRIVATE+KEY+${name}+${id}+${rawSeed}`, verifierKey: formatVerifierKey(name, pub) };
}
