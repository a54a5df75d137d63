import { createHash } from 'node:crypto';
import type { Client as UndiciClient } from 'undici';
import { type ConnectionFacts, type PinnedTarget, pinnedConnector } from './pinned-connector.js';
import { Client } from './undici-parts.js';

/**
 * Keep-alive for site fetches without giving up the SSRF pin. Each pooled undici `Client` holds at
 * most one socket, is built with a pinned connector for one checked address set, and is checked out
 * by exactly one request at a time, so the connection facts (address, TLS certificate) read after a
 * response belong to the socket that served it. The key holds the origin, the addresses the guard
 * has just checked, the guard mode and the CA set: a fetch whose fresh DNS answer differs (or a
 * redirect to another host) gets a different key and so a new, newly pinned connection.
 */

export interface PooledConnection {
  readonly client: UndiciClient;
  /** Facts of the socket this client holds now; its connector rewrites them on every (re)connect. */
  readonly facts: ConnectionFacts;
  readonly key: string;
  idleSince: number;
}

export interface ConnectionRequest {
  readonly url: URL;
  /** What resolveCheckedTarget has just returned for url's host, for this very fetch. */
  readonly target: PinnedTarget;
  readonly allowPrivate: boolean;
  readonly extraCa?: string | readonly string[];
  readonly connectTimeoutMs: number;
  /** Keeps nodes that share a process from sharing sockets, as separate processes would not. */
  readonly owner: string;
}

export interface ConnectionPoolLimits {
  /** An idle client is destroyed after this long (undici also drops idle sockets on the server's hint). */
  readonly idleMs: number;
  readonly maxIdlePerKey: number;
  readonly maxIdle: number;
}

const DEFAULT_LIMITS: ConnectionPoolLimits = { idleMs: 10_000, maxIdlePerKey: 8, maxIdle: 64 };

const caKeys = new Map<string, string>();
/** A short stable id for an extra-CA set; the PEM text itself would make every key several KiB long. */
function caKey(extraCa: string | readonly string[] | undefined): string {
  if (extraCa === undefined) return '';
  const text = [extraCa].flat().join('\n');
  let k = caKeys.get(text);
  if (k === undefined) {
    k = createHash('sha256').update(text).digest('hex').slice(0, 16);
    if (caKeys.size >= 64) caKeys.clear();
    caKeys.set(text, k);
  }
  return k;
}

export function connectionKey(req: ConnectionRequest): string {
  // Sorted so that a round-robin DNS answer with the same addresses still finds its connection.
  const addresses = req.target.addresses
    .map((a) => `${a.family}/${a.address}`)
    .sort()
    .join(',');
  return [
    req.owner,
    req.url.origin,
    req.target.hostname.toLowerCase(),
    addresses,
    req.allowPrivate ? 'private' : 'public',
    caKey(req.extraCa),
    req.connectTimeoutMs,
  ].join('\n');
}

function usable(c: UndiciClient): boolean {
  return !c.closed && !c.destroyed;
}

export class ConnectionPool {
  private readonly idle = new Map<string, PooledConnection[]>();
  private idleCount = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly limits: ConnectionPoolLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Idle clients held now (tests, stats). */
  get size(): number {
    return this.idleCount;
  }

  /** An idle connection for exactly this checked target, or a new pinned one. Give it back with release(). */
  acquire(req: ConnectionRequest): PooledConnection {
    const key = connectionKey(req);
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const conn = list.pop() as PooledConnection;
      this.idleCount--;
      if (list.length === 0) this.idle.delete(key);
      if (usable(conn.client)) return conn;
    }
    const facts: ConnectionFacts = { ip: null, tlsCertSha256: null };
    const client = new Client(req.url.origin, {
      connect: pinnedConnector(req.target, facts, {
        connectTimeoutMs: req.connectTimeoutMs,
        extraCa: req.extraCa,
      }),
      // 1 = one request at a time on the socket, keep-alive on (0 would close it after each response).
      pipelining: 1,
    });
    return { client, facts, key, idleSince: 0 };
  }

  /**
   * Returns a connection after its response was read to the end. Anything else (an error, an
   * abort, a body left unread) passes reusable = false and the socket is destroyed, never reused.
   */
  release(conn: PooledConnection, reusable: boolean): void {
    const list = this.idle.get(conn.key) ?? [];
    if (
      !reusable ||
      this.closed ||
      !usable(conn.client) ||
      list.length >= this.limits.maxIdlePerKey ||
      this.idleCount >= this.limits.maxIdle
    ) {
      destroy(conn);
      return;
    }
    conn.idleSince = this.now();
    list.push(conn);
    this.idle.set(conn.key, list);
    this.idleCount++;
    this.startSweeper();
  }

  /** Destroys every idle connection; later releases destroy theirs too. */
  close(): void {
    this.closed = true;
    this.dropIdle(() => true);
  }

  /** Destroys the idle connections one owner (node id) holds: that node has stopped. */
  closeOwner(owner: string): void {
    this.dropIdle((key) => key.startsWith(`${owner}\n`));
  }

  private dropIdle(which: (key: string, conn: PooledConnection) => boolean): void {
    for (const [key, list] of this.idle) {
      const keep = list.filter((c) => !which(key, c));
      for (const c of list) if (!keep.includes(c)) destroy(c);
      this.idleCount -= list.length - keep.length;
      if (keep.length) this.idle.set(key, keep);
      else this.idle.delete(key);
    }
    if (this.idleCount === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => {
        const cutoff = this.now() - this.limits.idleMs;
        this.dropIdle((_key, c) => c.idleSince <= cutoff || !usable(c.client));
      },
      Math.max(250, Math.floor(this.limits.idleMs / 2)),
    );
    // Idle connections must never keep a stopped node's process alive.
    this.sweeper.unref();
  }
}

function destroy(conn: PooledConnection): void {
  conn.client.destroy().catch(() => {});
}

/**
 * The pool fetchCapture uses when its caller passes none. Keys carry the node id, so in-process
 * nodes do not share sockets; idle ones go after idleMs, and a stopping node can drop its own
 * with closeOwner.
 */
export const sharedConnections = new ConnectionPool();
