import type { KeyIdentity, OperatorStatus } from '@sward/core';

/**
 * How the visitor signed in: an API key, a session token (a labeller's or a node's), or the labeller
 * session cookie the labelling page set (secret empty: the browser sends the cookie itself).
 */
export type Credential = { kind: 'key' | 'session' | 'cookie'; secret: string };

export type Identity =
  | { kind: 'key'; key: KeyIdentity }
  | { kind: 'labeller'; labeller: { id: string; name: string } }
  | { kind: 'node'; status: OperatorStatus };

/** An answer the coordinator refused: its closed error code and message (api/app.ts errBody). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The coordinator's HTTP API on the page's own origin, with the visitor's credential as a Bearer. */
export class Api {
  constructor(readonly credential: Credential) {}

  async get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.credential.secret) headers.authorization = `Bearer ${this.credential.secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok) {
      const j = type.includes('json')
        ? ((await res.json()) as { error?: { code: string; message: string } })
        : null;
      throw new ApiError(j?.error?.code ?? 'HTTP', j?.error?.message ?? `HTTP ${res.status}`, res.status);
    }
    return (type.includes('json') ? await res.json() : await res.text()) as T;
  }

  /**
   * Who this credential is. A key says so itself (GET /v1/keys/me); a session is a labeller's or a
   * node's, whichever of the two routes accepts it.
   */
  async identify(): Promise<Identity> {
    if (this.credential.kind === 'key')
      return { kind: 'key', key: await this.get<KeyIdentity>('/v1/keys/me') };
    try {
      const me = await this.get<{ labeller: { id: string; name: string } }>('/v1/labelling/me');
      return { kind: 'labeller', labeller: me.labeller };
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401 || this.credential.kind === 'cookie') throw e;
    }
    return { kind: 'node', status: await this.get<OperatorStatus>('/v1/rewards/node/status') };
  }
}

const STORE = 'sward-console-credential';

/** The credential lives in sessionStorage: gone when the tab closes, never sent to another origin. */
export function savedCredential(): Credential | null {
  try {
    const c = JSON.parse(sessionStorage.getItem(STORE) ?? 'null') as Credential | null;
    const kinds = ['key', 'session', 'cookie'];
    return c && kinds.includes(c.kind) && typeof c.secret === 'string' ? c : null;
  } catch {
    return null;
  }
}

export function saveCredential(c: Credential | null): void {
  if (c) sessionStorage.setItem(STORE, JSON.stringify(c));
  else sessionStorage.removeItem(STORE);
}
