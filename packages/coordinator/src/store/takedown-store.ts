import {
  type Takedown,
  type TakedownInfo,
  type TakedownKind,
  takedownHosts,
  takedownMatches,
} from '@sward/core';
import { newId } from './ids.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';

export interface NewTakedown extends Takedown {
  /** The host the takedown is filed under (normaliseTakedown() gives it). */
  host: string;
  reason: string;
  actor: string;
}

/**
 * The takedown list. Looked up by host name (a URL's host and each parent domain), so the scheduler and
 * the output routes read only the few takedowns that can concern the URLs in hand.
 */
export class TakedownStore {
  constructor(private readonly db: SqlDriver) {}

  /** Files a takedown; the same kind and value twice is one takedown (the first one's id and reason). */
  async add(t: NewTakedown, tx: SqlExecutor = this.db): Promise<{ id: string; created: boolean }> {
    const id = newId('td');
    const r = await tx.run(
      `INSERT INTO takedowns (id, kind, value, host, reason, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, value) DO NOTHING`,
      [id, t.kind, t.value, t.host, t.reason, t.actor, Date.now()],
    );
    if (r.changes === 1) return { id, created: true };
    const had = await tx.get<{ id: string }>('SELECT id FROM takedowns WHERE kind = ? AND value = ?', [
      t.kind,
      t.value,
    ]);
    return { id: String(had?.id), created: false };
  }

  async get(id: string): Promise<TakedownInfo | undefined> {
    const r = await this.db.get<Record<string, unknown>>('SELECT * FROM takedowns WHERE id = ?', [id]);
    return r ? mapTakedown(r) : undefined;
  }

  /** The public list, in id order (no actor: who filed it is in the audit log, for admins). */
  async list(after = '', limit = 1000): Promise<TakedownInfo[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      'SELECT * FROM takedowns WHERE id > ? ORDER BY id LIMIT ?',
      [after, limit],
    );
    return rows.map(mapTakedown);
  }

  /** Every takedown that may match a URL on one of `hostnames`. */
  async forHosts(hostnames: Iterable<string>, tx: SqlExecutor = this.db): Promise<Takedown[]> {
    const keys = [...new Set([...hostnames].flatMap(takedownHosts))];
    const out: Takedown[] = [];
    for (let i = 0; i < keys.length; i += 200) {
      const chunk = keys.slice(i, i + 200);
      const rows = await tx.all<{ kind: string; value: string }>(
        `SELECT kind, value FROM takedowns WHERE host IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const r of rows) out.push({ kind: r.kind as TakedownKind, value: r.value });
    }
    return out;
  }

  /** Whether any of `urls` is taken down. */
  async anyTakenDown(urls: readonly string[]): Promise<boolean> {
    return (await this.exclude([urls], (u) => u)).length === 0;
  }

  /** `rows` without those of which any URL is taken down. */
  async exclude<T>(rows: readonly T[], urls: (row: T) => readonly string[]): Promise<T[]> {
    if (!rows.length) return [];
    const hosts = new Set<string>();
    for (const r of rows) for (const u of urls(r)) hosts.add(hostOf(u));
    const list = await this.forHosts(hosts);
    if (!list.length) return [...rows];
    return rows.filter((r) => !urls(r).some((u) => list.some((t) => takedownMatches(t, u))));
  }
}

const mapTakedown = (r: Record<string, unknown>): TakedownInfo => ({
  id: String(r.id),
  kind: String(r.kind) as TakedownKind,
  value: String(r.value),
  reason: String(r.reason),
  createdAt: new Date(Number(r.created_at)).toISOString(),
});

const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};
