import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { parseDictionary } from 'structured-headers';

/*
 * What a publisher runs to tell SwardBot from an impostor: Web Bot Auth (RFC 9421 signatures, keys in
 * the signature agent's directory) checked with the `http-message-signatures` library, plus the checks
 * the drafts leave to the site: the tag, a bounded lifetime, a nonce seen once, and directories fetched
 * only from agents the site chose to trust (a site that fetched any URL a request names would be an
 * SSRF relay). Kept free of Sward code so it reads as a site's own verifier (docs/PUBLISHERS.md).
 */

export const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';
export const DIRECTORY_MEDIA_TYPE = 'application/http-message-signatures-directory+json';

export type Refusal =
  | 'unsigned'
  | 'malformed'
  | 'untrusted-agent'
  | 'directory-invalid'
  | 'unknown-key'
  | 'wrong-tag'
  | 'expired'
  | 'lifetime-too-long'
  | 'replayed-nonce'
  | 'bad-signature';

export type Verdict =
  | { readonly ok: true; readonly agent: string; readonly keyid: string }
  | { readonly ok: false; readonly refusal: Refusal; readonly detail: string };

export interface IncomingRequestLike {
  readonly method: string;
  /** Absolute URL as the site received it (scheme, Host header, path). */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

interface DirectoryKey {
  readonly key: KeyObject;
  /** Unix seconds after which no signature by this key is believed (JWK `exp`), if the directory says. */
  readonly exp: number | null;
}

export interface VerifierOptions {
  /** Signature-Agent origins whose directories this site fetches, e.g. "https://coordinator.example". */
  readonly trustedAgents: readonly string[];
  /** Longest `expires - created` accepted; the drafts' 5 minutes by default. */
  readonly maxLifetimeS?: number;
  /** Clock skew allowed on created/expires, seconds. */
  readonly toleranceS?: number;
  /**
   * Fetch the directory again when a keyid is not in the cached copy (at most every refetchMs); default
   * true. False: keep a copy for its Cache-Control max-age only, as a strict cache would.
   */
  readonly refetchOnUnknownKey?: boolean;
  readonly refetchMs?: number;
  readonly fetchImpl?: typeof fetch;
}

interface CachedDirectory {
  readonly at: number;
  readonly maxAgeMs: number;
  readonly keys: Map<string, DirectoryKey>;
}

class Refused extends Error {
  constructor(
    readonly refusal: Refusal,
    detail: string,
  ) {
    super(detail);
  }
}

export class WebBotAuthVerifier {
  private readonly directories = new Map<string, CachedDirectory>();
  private readonly nonces = new Map<string, number>(); // nonce → expires (s)
  private readonly trusted: Set<string>;

  constructor(private readonly opts: VerifierOptions) {
    this.trusted = new Set(opts.trustedAgents.map((a) => new URL(a).origin));
  }

  /** `covered`: request headers the signature must cover besides @authority and signature-agent. */
  async verify(req: IncomingRequestLike, covered: readonly string[] = []): Promise<Verdict> {
    try {
      return await this.check(req, covered);
    } catch (e) {
      if (e instanceof Refused) return { ok: false, refusal: e.refusal, detail: e.message };
      return { ok: false, refusal: 'malformed', detail: e instanceof Error ? e.message : String(e) };
    }
  }

  private async check(req: IncomingRequestLike, covered: readonly string[]): Promise<Verdict> {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const input = header('signature-input');
    const agentHeader = header('signature-agent');
    if (!input || !header('signature') || !agentHeader)
      throw new Refused('unsigned', 'no Web Bot Auth headers');
    const inputs = parseDictionary(input);
    if (inputs.size !== 1) throw new Refused('malformed', `expected one signature, got ${inputs.size}`);
    const [label, entry] = [...inputs][0] as [string, unknown];
    if (!Array.isArray(entry) || !Array.isArray(entry[0])) throw new Refused('malformed', 'Signature-Input');
    const params = entry[1] as Map<string, unknown>;
    if (params.get('tag') !== 'web-bot-auth')
      throw new Refused('wrong-tag', `tag ${JSON.stringify(params.get('tag'))} is not "web-bot-auth"`);
    const created = Number(params.get('created'));
    const expires = Number(params.get('expires'));
    const nonce = params.get('nonce');
    const keyid = params.get('keyid');
    if (
      !Number.isInteger(created) ||
      !Number.isInteger(expires) ||
      typeof nonce !== 'string' ||
      typeof keyid !== 'string'
    )
      throw new Refused('malformed', 'created, expires, nonce and keyid are all required');
    const maxLifetime = this.opts.maxLifetimeS ?? 300;
    if (expires - created > maxLifetime)
      throw new Refused('lifetime-too-long', `valid for ${expires - created} s, more than ${maxLifetime} s`);
    const tolerance = this.opts.toleranceS ?? 5;
    const now = Math.floor(Date.now() / 1000);
    if (now > expires + tolerance) throw new Refused('expired', `expired ${now - expires} s ago`);

    // The directory named by the Signature-Agent member this signature covers.
    const agentItem = parseDictionary(agentHeader).get(label);
    const agent = agentItem && typeof agentItem[0] === 'string' ? agentItem[0] : null;
    if (!agent) throw new Refused('malformed', `Signature-Agent has no member ${label}`);
    let origin: string;
    try {
      origin = new URL(agent).origin;
    } catch {
      throw new Refused('malformed', `Signature-Agent ${agent} is not a URL`);
    }
    if (!this.trusted.has(origin))
      throw new Refused('untrusted-agent', `${origin} is not a trusted signature agent`);
    const key = await this.keyFor(origin, keyid);
    if (key.exp !== null && expires > key.exp + tolerance)
      throw new Refused('expired', `signature expires after its key (${expires} > ${key.exp})`);

    let ok: boolean | null;
    try {
      ok = await httpbis.verifyMessage(
        {
          keyLookup: async (p) =>
            p.keyid === keyid
              ? { id: keyid, algs: ['ed25519'], verify: async (d, s) => verify(null, d, key.key, s) }
              : null,
          requiredFields: ['@authority', 'signature-agent', ...covered],
          requiredParams: ['created', 'expires', 'keyid', 'nonce', 'tag'],
          tolerance,
        },
        { method: req.method, url: req.url, headers: definedHeaders(req.headers) },
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Refused(/expired|too old/i.test(message) ? 'expired' : 'malformed', message);
    }
    if (ok !== true)
      throw new Refused('bad-signature', `signature by ${keyid} does not verify for ${req.url}`);
    // Only a verified nonce is remembered, so forged requests cannot fill the cache.
    this.forgetExpiredNonces(now);
    if (this.nonces.has(nonce)) throw new Refused('replayed-nonce', 'this signature was already used');
    this.nonces.set(nonce, expires + tolerance);
    return { ok: true, agent: origin, keyid };
  }

  private forgetExpiredNonces(now: number): void {
    for (const [n, until] of this.nonces) if (until < now) this.nonces.delete(n);
  }

  /** The key from the agent's directory, fetched again (at most every refetchMs) when unknown. */
  private async keyFor(origin: string, keyid: string): Promise<DirectoryKey> {
    let dir = this.directories.get(origin);
    const age = dir ? Date.now() - dir.at : Infinity;
    const expired = !dir || age >= dir.maxAgeMs;
    const unknown = !dir?.keys.has(keyid) && this.opts.refetchOnUnknownKey !== false;
    if (expired || (unknown && age >= (this.opts.refetchMs ?? 1000))) {
      dir = await this.fetchDirectory(origin);
      this.directories.set(origin, dir);
    }
    const key = dir?.keys.get(keyid);
    if (!key) throw new Refused('unknown-key', `key ${keyid} is not in ${origin}${DIRECTORY_PATH}`);
    return key;
  }

  /** Fetches a directory and checks its own signatures: one valid signature per listed key. */
  private async fetchDirectory(origin: string): Promise<CachedDirectory> {
    const url = `${origin}${DIRECTORY_PATH}`;
    const res = await (this.opts.fetchImpl ?? fetch)(url, { redirect: 'error' });
    if (res.status !== 200) throw new Refused('directory-invalid', `${url}: HTTP ${res.status}`);
    if (res.headers.get('content-type')?.split(';')[0]?.trim() !== DIRECTORY_MEDIA_TYPE)
      throw new Refused('directory-invalid', `${url}: content-type ${res.headers.get('content-type')}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Refused('directory-invalid', `${url}: no keys array`);
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const keys = new Map<string, DirectoryKey>();
    for (const jwk of body.keys as Record<string, unknown>[]) {
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
      const keyid = thumbprint(jwk.x);
      const bound = await httpbis
        .verifyMessage(
          {
            keyLookup: async (p) =>
              p.keyid === keyid && p.tag === 'http-message-signatures-directory'
                ? { id: keyid, algs: ['ed25519'], verify: async (d, s) => verify(null, d, key, s) }
                : null,
            requiredFields: ['@authority'],
          },
          { status: res.status, headers },
          { method: 'GET', url, headers: {} },
        )
        .catch(() => false);
      if (bound !== true)
        throw new Refused('directory-invalid', `${url}: no valid signature by listed key ${keyid}`);
      keys.set(keyid, { key, exp: typeof jwk.exp === 'number' ? jwk.exp : null });
    }
    const maxAge = /max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1];
    return { at: Date.now(), maxAgeMs: maxAge ? Number(maxAge) * 1000 : 0, keys };
  }
}

function definedHeaders(h: IncomingRequestLike['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
  return out;
}

/** RFC 7638 thumbprint of an Ed25519 JWK: the keyid a signature names. */
function thumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}
