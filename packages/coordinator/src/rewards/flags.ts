import type { Flag, FlagKind, FlagStatus } from '@sward/core';
import { newId } from '../store/ids.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import { RewardsError } from './rewards-error.js';
import type { SybilGroup } from './sybil-detect.js';

export type { Flag, FlagStatus };

/** Sybil flags with their evidence; an admin clears or confirms each one. */
export class Flags {
  constructor(private readonly db: SqlDriver) {}

  /** Records groups not flagged before (same key = same evidence); returns the new flags' ids. */
  async raise(groups: readonly SybilGroup[], now = Date.now()): Promise<string[]> {
    const raised: string[] = [];
    for (const g of groups) {
      const id = newId('flag');
      const ins = await this.db.transaction(async (tx) => {
        const r = await tx.run(
          `INSERT INTO rw_flags (id, key, kind, evidence, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)
           ON CONFLICT (key) DO NOTHING`,
          [id, g.key, g.kind, JSON.stringify(g.evidence), now],
        );
        if (r.changes === 0) return false;
        for (const m of g.members)
          await tx.run(
            'INSERT INTO rw_flag_members (flag_id, operator, node_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
            [id, m.operator, m.nodeId],
          );
        return true;
      });
      if (ins) raised.push(id);
    }
    return raised;
  }

  async list(status?: FlagStatus): Promise<Flag[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      status
        ? 'SELECT * FROM rw_flags WHERE status = ? ORDER BY created_at, id'
        : 'SELECT * FROM rw_flags ORDER BY created_at, id',
      status ? [status] : [],
    );
    return Promise.all(rows.map((r) => this.withMembers(r)));
  }

  async get(id: string): Promise<Flag | null> {
    const r = await this.db.get<Record<string, unknown>>('SELECT * FROM rw_flags WHERE id = ?', [id]);
    return r ? this.withMembers(r) : null;
  }

  async forOperator(operator: string): Promise<Flag[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      `SELECT f.* FROM rw_flags f WHERE f.id IN (SELECT flag_id FROM rw_flag_members WHERE operator = ?)
       ORDER BY f.created_at, f.id`,
      [operator],
    );
    return Promise.all(rows.map((r) => this.withMembers(r)));
  }

  /** 'confirmed' beats 'open' beats nothing: the strongest review state over the operator's flags. */
  async standing(operator: string, ex: SqlExecutor = this.db): Promise<'confirmed' | 'open' | null> {
    const rows = await ex.all<{ status: string }>(
      `SELECT DISTINCT f.status FROM rw_flags f JOIN rw_flag_members m ON m.flag_id = f.id
       WHERE m.operator = ? AND f.status <> 'cleared'`,
      [operator],
    );
    const s = new Set(rows.map((r) => r.status));
    return s.has('confirmed') ? 'confirmed' : s.has('open') ? 'open' : null;
  }

  async review(
    id: string,
    verdict: 'cleared' | 'confirmed',
    note: string | null,
    now = Date.now(),
  ): Promise<Flag> {
    const r = await this.db.run(
      "UPDATE rw_flags SET status = ?, reviewed_at = ?, note = ? WHERE id = ? AND status = 'open'",
      [verdict, now, note, id],
    );
    const flag = await this.get(id);
    if (!flag) throw new RewardsError('NOT_FOUND', `no flag ${id}`);
    if (r.changes === 0 && flag.status !== verdict)
      throw new RewardsError('BAD_INPUT', `flag ${id} was already ${flag.status}`);
    return flag;
  }

  private async withMembers(r: Record<string, unknown>): Promise<Flag> {
    const members = await this.db.all<{ operator: string; node_id: string }>(
      'SELECT operator, node_id FROM rw_flag_members WHERE flag_id = ? ORDER BY operator, node_id',
      [r.id as string],
    );
    return {
      id: String(r.id),
      kind: r.kind as FlagKind,
      status: r.status as FlagStatus,
      evidence: JSON.parse(String(r.evidence)),
      members: members.map((m) => ({ operator: m.operator, nodeId: m.node_id })),
      createdAt: Number(r.created_at),
      reviewedAt: r.reviewed_at == null ? null : Number(r.reviewed_at),
      note: (r.note as string | null) ?? null,
    };
  }
}
