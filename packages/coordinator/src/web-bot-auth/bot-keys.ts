import {
  DIRECTORY_MEDIA_TYPE,
  derivedEd25519Key,
  ed25519Jwk,
  jwkThumbprint,
  MAX_SIGNATURE_LIFETIME_S,
  signDirectoryResponse,
} from '@sward/core';
import { CoordinatorError } from '../errors.js';
import type { BotKeyStore } from '../store/bot-key-store.js';
import { newId } from '../store/ids.js';

export interface WebBotAuthConfig {
  /** How long a delegated key is listed; nodes ask for the next one at half-life. Default one hour. */
  keyTtlMs: number;
  /**
   * The directory's Cache-Control max-age, and how long its signatures are reused while its keys and
   * authority stay the same. A new key is listed this long before a node signs with it, so a site that
   * caches the directory for max-age already holds it. Default one minute; under half of keyTtlMs.
   */
  directoryMaxAgeMs: number;
  /** Most valid keys one node may hold at once (the current one and the next, plus one spare). */
  maxKeysPerNode: number;
  /**
   * The origin sites fetch the directory from, sent by nodes in Signature-Agent: this coordinator's
   * public URL. Default: the origin a node used to reach it.
   */
  signatureAgent?: string;
}

export const defaultWebBotAuthConfig: WebBotAuthConfig = {
  keyTtlMs: 3600_000,
  directoryMaxAgeMs: 60_000,
  maxKeysPerNode: 3,
};

/**
 * A key stays in the directory this long past its notAfter: a signature's `expires` is whole seconds
 * at or before notAfter, and a site's clock may run a little behind or ahead of this one.
 */
const LISTED_AFTER_EXPIRY_MS = 30_000;

export interface IssuedBotKey {
  readonly keyid: string;
  /** The private JWK (`d` included): the node keeps it in memory only. */
  readonly jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string };
  readonly notBefore: number;
  /** When the node may start signing with it: listed for a whole directory max-age by then. */
  readonly useFrom: number;
  readonly notAfter: number;
}

export interface SignedDirectory {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * The network's Web Bot Auth identity. Each node session gets short-lived delegated keys; the
 * directory lists every valid one and is signed with each (directory draft), which the coordinator
 * can do because a key's private half is derived from the network secret and the key's id (any
 * replica sharing the log key derives the same). Rotation leaves no gap for a site that caches the
 * directory as told: a new key is listed one max-age before its first use (`useFrom`), and the old key
 * stays listed until its `notAfter`, past which no node signs with it.
 */
export class BotKeys {
  private readonly cache = new Map<string, { at: number; dir: SignedDirectory }>();

  constructor(
    private readonly store: BotKeyStore,
    private readonly secret: Uint8Array,
    readonly config: WebBotAuthConfig = defaultWebBotAuthConfig,
  ) {
    // The next key is asked for at half-life and used a max-age later: both must fit in one life.
    if (!(config.directoryMaxAgeMs * 2 < config.keyTtlMs))
      throw new CoordinatorError(
        'BAD_REQUEST',
        `webBotAuth: directoryMaxAgeMs ${config.directoryMaxAgeMs} must be under half of keyTtlMs ${config.keyTtlMs}`,
      );
  }

  async issue(nodeId: string, now = Date.now()): Promise<IssuedBotKey> {
    const held = (await this.store.listValid(now)).filter((k) => k.nodeId === nodeId).length;
    if (held >= this.config.maxKeysPerNode)
      throw new CoordinatorError(
        'RATE_LIMITED',
        `node ${nodeId} already holds ${held} valid signing keys; ask again at the current key's half-life`,
        { retryAfterS: 60 },
      );
    const id = newId('bk');
    const privateKey = derivedEd25519Key(this.secret, id);
    const pub = ed25519Jwk(privateKey);
    const d = privateKey.export({ format: 'jwk' }).d;
    if (typeof d !== 'string') throw new Error('ed25519 private JWK without d');
    const keyid = jwkThumbprint(pub);
    const notBefore = now;
    const notAfter = now + this.config.keyTtlMs;
    await this.store.add({ id, nodeId, keyid, x: pub.x, notBefore, notAfter });
    return {
      keyid,
      jwk: { ...pub, d },
      notBefore,
      useFrom: notBefore + this.config.directoryMaxAgeMs,
      notAfter,
    };
  }

  /** The JWKS and its response signatures for a request whose `@authority` is `authority`. */
  async directory(authority: string, now = Date.now()): Promise<SignedDirectory> {
    // The key list is read every time (another replica may have issued a key a moment ago); only the
    // signing, one signature per key, is reused while the list and the authority are the same.
    const rows = await this.store.listValid(now, LISTED_AFTER_EXPIRY_MS);
    const cacheKey = `${authority} ${rows.map((r) => r.id).join(',')}`;
    const hit = this.cache.get(cacheKey);
    if (hit && now - hit.at < this.config.directoryMaxAgeMs) return hit.dir;
    const keys = rows.map((r) => ({
      kty: 'OKP',
      crv: 'Ed25519',
      x: r.x,
      kid: r.keyid,
      nbf: Math.floor(r.notBefore / 1000),
      // A signature made before notAfter expires by then (nodes cap `expires` at it); sites may check.
      exp: Math.ceil(r.notAfter / 1000),
    }));
    const headers: Record<string, string> = {
      'content-type': DIRECTORY_MEDIA_TYPE,
      'cache-control': `max-age=${Math.floor(this.config.directoryMaxAgeMs / 1000)}`,
    };
    if (rows.length > 0) {
      const created = Math.floor(now / 1000);
      const signers = rows.map((r) => ({ keyid: r.keyid, privateKey: derivedEd25519Key(this.secret, r.id) }));
      Object.assign(
        headers,
        signDirectoryResponse(signers, authority, created, created + MAX_SIGNATURE_LIFETIME_S),
      );
    }
    const dir = { body: JSON.stringify({ keys }), headers };
    if (this.cache.size > 100) this.cache.clear();
    this.cache.set(cacheKey, { at: now, dir });
    return dir;
  }
}
