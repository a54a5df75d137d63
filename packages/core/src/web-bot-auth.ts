import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { CoreError } from './errors.js';
import { sha256 } from './hash.js';

/*
 * Web Bot Auth (draft-meunier-web-bot-auth-architecture, draft-ietf-webbotauth-httpsig-protocol and the
 * key directory draft) over RFC 9421 HTTP Message Signatures, for ed25519 keys only. Both sides of Sward
 * need it: nodes sign each request to a site, the coordinator serves and signs the network's directory.
 * Signing is written here (a three-line signature base) rather than taken from a library so that the
 * tests can check it with an independent RFC 9421 implementation (`http-message-signatures`), which is
 * what a site runs.
 */

export const WEB_BOT_AUTH_TAG = 'web-bot-auth';
export const DIRECTORY_TAG = 'http-message-signatures-directory';
export const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';
export const DIRECTORY_MEDIA_TYPE = 'application/http-message-signatures-directory+json';
/** A request signature is valid for at most this long after `created` (the drafts' five minutes). */
export const MAX_SIGNATURE_LIFETIME_S = 300;
/** The dictionary member of Signature-Agent and the label of the request signature. */
export const SIGNATURE_LABEL = 'sig1';

/** An ed25519 public key as a JWK (RFC 8037), as listed in the directory. */
export interface Ed25519Jwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519Jwk(key: KeyObject): Ed25519Jwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw new CoreError('BAD_KEY', `not an ed25519 key: ${jwk.kty}/${jwk.crv}`);
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** RFC 7638 JWK SHA-256 thumbprint (base64url): the `keyid` of a Web Bot Auth signature. */
export function jwkThumbprint(jwk: Ed25519Jwk): string {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 section 3.2, RFC 8037 A.3).
  return sha256(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`).toString('base64url');
}

/**
 * A delegated signing key derived from the network's secret and a key id: the coordinator stores only
 * the id and the public half, and any replica holding the same secret can sign with it again.
 */
export function derivedEd25519Key(secret: Uint8Array, id: string): KeyObject {
  const seed = Buffer.from(
    hkdfSync('sha256', secret, Buffer.alloc(0), `sward web-bot-auth key v1 ${id}`, 32),
  );
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** An RFC 8941 sf-string; refuses what a structured field cannot carry rather than alter it. */
function sfString(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s))
    throw new CoreError('INVALID_SCHEMA', `not printable ASCII: ${s.slice(0, 80)}`);
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** RFC 9421 `@authority`: the host, lowercased, with a port only when it is not the scheme's default. */
export function authorityOf(url: URL): string {
  return url.host.toLowerCase();
}

export interface RequestSignatureParams {
  /** Unix seconds. */
  readonly created: number;
  readonly expires: number;
  readonly keyid: string;
  /** Fresh per request; 64 random bytes, base64, when left out. */
  readonly nonce?: string;
}

export interface WebBotAuthHeaders {
  readonly 'signature-agent': string;
  readonly 'signature-input': string;
  readonly signature: string;
}

/**
 * The three request headers of Web Bot Auth: Signature-Agent (a dictionary whose member names the
 * directory's origin), and an ed25519 signature over `@authority` and that member, tagged
 * `web-bot-auth`, with `created`, `expires` (at most five minutes later), `keyid` and a nonce; `covered`
 * adds request headers (sent with these values) to what it signs.
 */
export function signRequest(
  privateKey: KeyObject,
  url: URL,
  signatureAgent: string,
  p: RequestSignatureParams,
  covered: Readonly<Record<string, string>> = {},
): WebBotAuthHeaders {
  if (!(p.expires > p.created && p.expires - p.created <= MAX_SIGNATURE_LIFETIME_S))
    throw new CoreError('OUT_OF_RANGE', `signature lifetime ${p.expires - p.created} s is not in (0, 300]`);
  const agent = sfString(signatureAgent);
  const nonce = p.nonce ?? randomBytes(64).toString('base64');
  // Further request headers the signature covers (a pay-per-crawl price offer must be signed: a site
  // charges only a verified crawler for the price it offered). RFC 9421 §2.1: lowercased names, values
  // with surrounding whitespace trimmed.
  const extra = Object.entries(covered).map(([name, value]) => {
    if (!/^[a-z0-9-]+$/.test(name))
      throw new CoreError('INVALID_SCHEMA', `header name ${name} is not lowercase`);
    return [name, value.trim()] as const;
  });
  const names = extra.map(([n]) => ` "${n}"`).join('');
  const params =
    `("@authority" "signature-agent";key="${SIGNATURE_LABEL}"${names});created=${p.created};expires=${p.expires}` +
    `;keyid=${sfString(p.keyid)};alg="ed25519";nonce=${sfString(nonce)};tag="${WEB_BOT_AUTH_TAG}"`;
  const base =
    `"@authority": ${authorityOf(url)}\n` +
    `"signature-agent";key="${SIGNATURE_LABEL}": ${agent}\n` +
    extra.map(([n, v]) => `"${n}": ${v}\n`).join('') +
    `"@signature-params": ${params}`;
  const sig = sign(null, Buffer.from(base, 'utf8'), privateKey).toString('base64');
  return {
    'signature-agent': `${SIGNATURE_LABEL}=${agent}`,
    'signature-input': `${SIGNATURE_LABEL}=${params}`,
    signature: `${SIGNATURE_LABEL}=:${sig}:`,
  };
}

export interface DirectorySigner {
  readonly keyid: string;
  readonly privateKey: KeyObject;
}

/**
 * The directory response's own signatures (directory draft): one per listed key, each over the
 * request's `@authority` (`;req`), tagged `http-message-signatures-directory`, proving that whoever
 * serves the directory holds every key it lists.
 */
export function signDirectoryResponse(
  signers: readonly DirectorySigner[],
  authority: string,
  created: number,
  expires: number,
): { 'signature-input': string; signature: string } {
  const inputs: string[] = [];
  const sigs: string[] = [];
  signers.forEach((s, i) => {
    const params =
      `("@authority";req);created=${created};expires=${expires};keyid=${sfString(s.keyid)}` +
      `;alg="ed25519";tag="${DIRECTORY_TAG}"`;
    const base = `"@authority";req: ${authority.toLowerCase()}\n"@signature-params": ${params}`;
    inputs.push(`binding${i}=${params}`);
    sigs.push(`binding${i}=:${sign(null, Buffer.from(base, 'utf8'), s.privateKey).toString('base64')}:`);
  });
  return { 'signature-input': inputs.join(', '), signature: sigs.join(', ') };
}
