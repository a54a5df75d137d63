import { randomBytes } from 'node:crypto';
import type { Role, Scope } from '@sward/core';
import { newId, newSecret, secretHash } from './ids.js';
import { witnessNetwork } from './network-key.js';
import type { SqlDriver } from './sql-driver.js';

export interface NodeRow {
  id: string;
  operator: string | null;
  fingerprint: string | null;
  createdAt: number;
  lastSeen: number | null;
  lastIp: string | null;
  revokedAt: number | null;
  credibility: number;
}

/**
 * What decides whether a node may work (scheduler/node-standing.ts), as read with its session or its claim;
 * null where the node has no row.
 */
export type NodeStanding = Pick<NodeRow, 'revokedAt' | 'credibility'> | null;

/** A node's standing from the columns `revoked_at`, `credibility` and `id` of a LEFT JOIN on nodes. */
export function standingOf(r: {
  node_row: unknown;
  revoked_at: unknown;
  credibility: unknown;
}): NodeStanding {
  if (r.node_row == null) return null;
  return {
    revokedAt: r.revoked_at == null ? null : Number(r.revoked_at),
    credibility: Number(r.credibility),
  };
}

const CHALLENGE_MS = 60_000;
const LAST_USED_EVERY_MS = 60_000;

/** Who is calling with an API key: every customer object it may touch belongs to `tenant`. */
export interface Principal {
  keyId: string;
  name: string;
  tenant: string;
  role: Role;
  scopes: ReadonlySet<Scope>;
  /** The key's own limits; null: the coordinator's defaults (config quotas). */
  requestsPerMinute: number | null;
  pagesPerDay: number | null;
  /** Whose usage counters the limits are counted in: the key that made this one, or the key itself. */
  quotaKey: string;
}

export interface NewKey {
  name: string;
  tenant: string;
  role: Role;
  scopes: readonly Scope[];
  expiresAt?: number | null;
  requestsPerMinute?: number | null;
  pagesPerDay?: number | null;
  /** Spend another key's counters (a key a customer makes spends its maker's); default its own. */
  quotaKey?: string | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  tenant: string;
  role: Role;
  scopes: Scope[];
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  requestsPerMinute: number | null;
  pagesPerDay: number | null;
  quotaKey: string;
}
const SESSION_MS = 24 * 3600_000;

/** Customers' API keys, node registry, node challenges and sessions. */
export class AuthStore {
  constructor(private readonly db: SqlDriver) {}

  /** A new key; the secret is returned this once, only its SHA-256 is stored. */
  async createApiKey(k: NewKey): Promise<{ id: string; key: string }> {
    const id = newId('k');
    const key = newSecret('sk');
    await this.db.run(
      `INSERT INTO api_keys (id, name, key_hash, created_at, tenant_id, role, scopes, expires_at,
         requests_per_minute, pages_per_day, quota_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        k.name,
        secretHash(key),
        Date.now(),
        k.tenant,
        k.role,
        k.scopes.join(' '),
        k.expiresAt ?? null,
        k.requestsPerMinute ?? null,
        k.pagesPerDay ?? null,
        k.quotaKey ?? null,
      ],
    );
    return { id, key };
  }

  async apiKeyCount(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL');
    return Number(r?.n ?? 0);
  }

  /**
   * The key's principal, 'expired' past its expiry, or null when unknown or revoked. Last use is written
   * at most once a minute per key, so a busy client does not turn every read into a write.
   */
  async checkApiKey(key: string, now = Date.now()): Promise<Principal | 'expired' | null> {
    const r = await this.db.get<Record<string, unknown>>(
      'SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
      [secretHash(key)],
    );
    if (!r) return null;
    const k = mapKey(r);
    if (k.expiresAt !== null && k.expiresAt <= now) return 'expired';
    if (k.lastUsedAt === null || k.lastUsedAt < now - LAST_USED_EVERY_MS)
      await this.db.run(
        'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
        [now, k.id, now - LAST_USED_EVERY_MS],
      );
    return {
      keyId: k.id,
      name: k.name,
      tenant: k.tenant,
      role: k.role,
      scopes: new Set(k.scopes),
      requestsPerMinute: k.requestsPerMinute,
      pagesPerDay: k.pagesPerDay,
      quotaKey: k.quotaKey,
    };
  }

  async getApiKey(id: string): Promise<ApiKeyRow | undefined> {
    const r = await this.db.get<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = ?', [id]);
    return r ? mapKey(r) : undefined;
  }

  /** Keys of one tenant, or of every tenant when `tenant` is null; oldest first. */
  async listApiKeys(tenant: string | null): Promise<ApiKeyRow[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      tenant === null
        ? 'SELECT * FROM api_keys ORDER BY created_at, id'
        : 'SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id',
      tenant === null ? [] : [tenant],
    );
    return rows.map(mapKey);
  }

  async revokeApiKey(id: string): Promise<boolean> {
    const r = await this.db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
      Date.now(),
      id,
    ]);
    return r.changes === 1;
  }

  /**
   * Replaces a live key by a new secret with the same tenant, role, scopes, name and expiry, and revokes
   * the old one, in one transaction: there is never a moment with both or neither.
   */
  async rotateApiKey(id: string): Promise<{ id: string; key: string } | null> {
    const newKeyId = newId('k');
    const key = newSecret('sk');
    const now = Date.now();
    const done = await this.db.transaction(async (tx) => {
      const r = await tx.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
        now,
        id,
      ]);
      if (r.changes !== 1) return false;
      await tx.run(
        `INSERT INTO api_keys (id, name, key_hash, created_at, tenant_id, role, scopes, expires_at,
           requests_per_minute, pages_per_day, quota_key)
         SELECT ?, name, ?, ?, tenant_id, role, scopes, expires_at, requests_per_minute, pages_per_day,
           COALESCE(quota_key, id)
         FROM api_keys WHERE id = ?`,
        [newKeyId, secretHash(key), now, id],
      );
      return true;
    });
    return done ? { id: newKeyId, key } : null;
  }

  async createChallenge(nodeId: string): Promise<{ nonce: string; expiresAt: number }> {
    const nonce = randomBytes(32).toString('base64');
    const expiresAt = Date.now() + CHALLENGE_MS;
    await this.db.run('DELETE FROM challenges WHERE expires_at < ?', [Date.now()]);
    await this.db.run('INSERT INTO challenges (nonce, node_id, expires_at) VALUES (?, ?, ?)', [
      nonce,
      nodeId,
      expiresAt,
    ]);
    return { nonce, expiresAt };
  }

  /** A nonce answers one session request only, and only for the node it was issued to. */
  async consumeChallenge(nodeId: string, nonce: string): Promise<boolean> {
    const r = await this.db.run(
      'DELETE FROM challenges WHERE nonce = ? AND node_id = ? AND expires_at >= ?',
      [nonce, nodeId, Date.now()],
    );
    return r.changes === 1;
  }

  async getNode(id: string): Promise<NodeRow | undefined> {
    const r = await this.db.get<Record<string, unknown>>('SELECT * FROM nodes WHERE id = ?', [id]);
    return r ? mapNode(r) : undefined;
  }

  async listNodes(): Promise<NodeRow[]> {
    return (await this.db.all<Record<string, unknown>>('SELECT * FROM nodes ORDER BY created_at')).map(
      mapNode,
    );
  }

  /**
   * Records a node's session. Without an address (`ip` absent: the route could not read one, as when the node
   * dropped the connection before the route read it) the node keeps the address and network it had, as touchNode
   * does: an unknown network is apart from every other, so forgetting a known one would let a node of the liar's
   * own connection witness for it.
   */
  async upsertNode(n: {
    id: string;
    operator?: string;
    fingerprint?: string;
    version?: string;
    ip?: string;
  }) {
    const now = Date.now();
    await this.db.run(
      `INSERT INTO nodes (id, operator, fingerprint, version, created_at, last_seen, last_ip, last_network)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, version = excluded.version,
         last_seen = excluded.last_seen, last_ip = COALESCE(excluded.last_ip, nodes.last_ip),
         last_network = CASE WHEN excluded.last_ip IS NULL THEN nodes.last_network ELSE excluded.last_network END`,
      [
        n.id,
        n.operator ?? null,
        n.fingerprint ?? null,
        n.version ?? null,
        now,
        now,
        n.ip ?? null,
        witnessNetwork(n.ip),
      ],
    );
  }

  async revokeNode(id: string): Promise<boolean> {
    const r = await this.db.run('UPDATE nodes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
      Date.now(),
      id,
    ]);
    await this.db.run('DELETE FROM sessions WHERE node_id = ?', [id]);
    return r.changes === 1;
  }

  async createSession(nodeId: string): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret('st');
    const expiresAt = Date.now() + SESSION_MS;
    await this.db.run('INSERT INTO sessions (token_hash, node_id, expires_at) VALUES (?, ?, ?)', [
      secretHash(token),
      nodeId,
      expiresAt,
    ]);
    return { token, expiresAt };
  }

  async sessionNode(token: string): Promise<string | null> {
    const r = await this.db.get<{ node_id: string }>(
      'SELECT node_id FROM sessions WHERE token_hash = ? AND expires_at >= ?',
      [secretHash(token), Date.now()],
    );
    return r?.node_id ?? null;
  }

  /**
   * The session's node and its standing in one statement (every node request asks both): null for a token
   * unknown or expired; `standing` null when the node's row is gone.
   */
  async sessionStanding(token: string): Promise<{ nodeId: string; standing: NodeStanding } | null> {
    const r = await this.db.get<{
      node_id: string;
      node_row: unknown;
      revoked_at: unknown;
      credibility: unknown;
    }>(
      `SELECT s.node_id, n.id AS node_row, n.revoked_at, n.credibility
       FROM sessions s LEFT JOIN nodes n ON n.id = s.node_id
       WHERE s.token_hash = ? AND s.expires_at >= ?`,
      [secretHash(token), Date.now()],
    );
    return r ? { nodeId: r.node_id, standing: standingOf(r) } : null;
  }

  /** Ends one session (a node logging out); the node's other sessions, if any, stay. */
  async endSession(token: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE token_hash = ?', [secretHash(token)]);
  }

  async touchNode(id: string, ip?: string): Promise<void> {
    // last_network: the witness network (store/network-key.ts), kept beside the address so that a query can
    // tell nodes of one network apart from the rest (policy-answers.ts otherOperatorActive)
    if (!ip) await this.db.run('UPDATE nodes SET last_seen = ? WHERE id = ?', [Date.now(), id]);
    else
      await this.db.run('UPDATE nodes SET last_seen = ?, last_ip = ?, last_network = ? WHERE id = ?', [
        Date.now(),
        ip,
        witnessNetwork(ip),
        id,
      ]);
  }
}

function mapNode(r: Record<string, unknown>): NodeRow {
  return {
    id: String(r.id),
    operator: (r.operator as string | null) ?? null,
    fingerprint: (r.fingerprint as string | null) ?? null,
    createdAt: Number(r.created_at),
    lastSeen: r.last_seen == null ? null : Number(r.last_seen),
    lastIp: (r.last_ip as string | null) ?? null,
    revokedAt: r.revoked_at == null ? null : Number(r.revoked_at),
    credibility: Number(r.credibility),
  };
}

const num = (v: unknown): number | null => (v == null ? null : Number(v));

function mapKey(r: Record<string, unknown>): ApiKeyRow {
  return {
    id: String(r.id),
    name: String(r.name),
    tenant: String(r.tenant_id),
    role: String(r.role) as Role,
    scopes: String(r.scopes).split(' ').filter(Boolean) as Scope[],
    createdAt: Number(r.created_at),
    expiresAt: num(r.expires_at),
    lastUsedAt: num(r.last_used_at),
    revokedAt: num(r.revoked_at),
    requestsPerMinute: num(r.requests_per_minute),
    pagesPerDay: num(r.pages_per_day),
    quotaKey: r.quota_key == null ? String(r.id) : String(r.quota_key),
  };
}
