import type { SqlDriver } from './sql-driver.js';

/** A Web Bot Auth key delegated to one node; its private half is derived again from `id` when needed. */
export interface BotKeyRow {
  id: string;
  nodeId: string;
  /** RFC 7638 thumbprint of the public key. */
  keyid: string;
  /** base64url of the raw ed25519 public key (the JWK's `x`). */
  x: string;
  notBefore: number;
  notAfter: number;
}

/** Delegated request-signing keys, listed in the network's directory while valid. */
export class BotKeyStore {
  constructor(private readonly db: SqlDriver) {}

  async add(k: BotKeyRow): Promise<void> {
    await this.db.run(
      'INSERT INTO bot_keys (id, node_id, keyid, x, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?)',
      [k.id, k.nodeId, k.keyid, k.x, k.notBefore, k.notAfter],
    );
  }

  /**
   * Keys valid at `now` (or expired less than `graceMs` ago) whose node is not revoked, oldest first.
   * A revoked node's keys leave the directory at once: sites stop believing its in-flight signatures too.
   */
  async listValid(now: number, graceMs = 0): Promise<BotKeyRow[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      `SELECT k.* FROM bot_keys k JOIN nodes n ON n.id = k.node_id
       WHERE k.not_before <= ? AND k.not_after > ? AND n.revoked_at IS NULL
       ORDER BY k.not_before, k.id`,
      [now, now - graceMs],
    );
    return rows.map((r) => ({
      id: String(r.id),
      nodeId: String(r.node_id),
      keyid: String(r.keyid),
      x: String(r.x),
      notBefore: Number(r.not_before),
      notAfter: Number(r.not_after),
    }));
  }

  /** Drops keys that expired before `before`; they can no longer verify anything. */
  async prune(before: number): Promise<number> {
    return (await this.db.run('DELETE FROM bot_keys WHERE not_after < ?', [before])).changes;
  }
}
