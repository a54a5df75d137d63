import { randomBytes } from 'node:crypto';
import { newId, newSecret, secretHash } from './ids.js';
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

const CHALLENGE_MS = 60_000;
const SESSION_MS = 24 * 3600_000;

/** Customers' API keys, node registry, node challenges and sessions. */
export class AuthStore {
  constructor(private readonly db: SqlDriver) {}

  async createApiKey(name: string): Promise<{ id: string; key: string }> {
    const id = newId('k');
    const key = newSecret('sk');
    await this.db.run('INSERT INTO api_keys (id, name, key_hash, created_at) VALUES (?, ?, ?, ?)', [
      id,
      name,
      secretHash(key),
      Date.now(),
    ]);
    return { id, key };
  }

  async apiKeyCount(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL');
    return Number(r?.n ?? 0);
  }

  async checkApiKey(key: string): Promise<{ id: string; name: string } | null> {
    const r = await this.db.get<{ id: string; name: string }>(
      'SELECT id, name FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
      [secretHash(key)],
    );
    return r ?? null;
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

  async upsertNode(n: {
    id: string;
    operator?: string;
    fingerprint?: string;
    version?: string;
    ip?: string;
  }) {
    const now = Date.now();
    await this.db.run(
      `INSERT INTO nodes (id, operator, fingerprint, version, created_at, last_seen, last_ip) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, version = excluded.version,
         last_seen = excluded.last_seen, last_ip = excluded.last_ip`,
      [n.id, n.operator ?? null, n.fingerprint ?? null, n.version ?? null, now, now, n.ip ?? null],
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

  async touchNode(id: string, ip?: string): Promise<void> {
    await this.db.run('UPDATE nodes SET last_seen = ?, last_ip = COALESCE(?, last_ip) WHERE id = ?', [
      Date.now(),
      ip ?? null,
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
