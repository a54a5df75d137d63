import { normalizeUrl } from '@sward/core';
import { z } from 'zod';
import { CoordinatorError } from '../errors.js';
import { newId } from '../store/ids.js';
import type { SqlDriver } from '../store/sql-driver.js';

/** "90s", "5m", "2h", "1d" or plain milliseconds; live collections refresh no faster than every 10 s. */
export function parseInterval(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m)
    throw new CoordinatorError('BAD_REQUEST', `refresh interval "${text}" is not like 30s, 5m, 2h or 1d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Math.round(Number(m[1]) * unit);
}

export const collectionRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    sources: z.array(z.string().max(8192)).min(1).max(1000),
    every: z.union([z.string(), z.number().int()]).default('5m'),
    maxPages: z.number().int().min(1).max(1_000_000).default(1000),
  })
  .strict();
export type CollectionRequest = z.input<typeof collectionRequestSchema>;

export interface CollectionInfo {
  id: string;
  name: string;
  everyMs: number;
  maxPages: number;
  paused: boolean;
  createdAt: number;
  sources: {
    id: string;
    url: string;
    kind: string;
    lastFetchedAt: number | null;
    nextFetchAt: number | null;
    lastError: string | null;
  }[];
  pages: number;
  chunks: number;
}

interface Options {
  everyMs: number;
  maxPages: number;
  paused: boolean;
}

/** A feed or sitemap by its URL's look; the refresh confirms it from the answer's content type and body. */
const guessKind = (url: string) =>
  /sitemap[^/]*\.xml(\.gz)?$/i.test(url)
    ? 'sitemap'
    : /(\.xml|\.rss|\.atom|\/feed\/?|\/rss\/?)$/i.test(url)
      ? 'feed'
      : 'page';

/** Live collections as a customer manages them: create, list, show, pause, resume, delete. */
export class Collections {
  constructor(private readonly db: SqlDriver) {}

  async create(owner: string | null, input: unknown): Promise<CollectionInfo> {
    const parsed = collectionRequestSchema.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
    }
    const req = parsed.data;
    const everyMs = parseInterval(req.every);
    if (everyMs < 10_000)
      throw new CoordinatorError('BAD_REQUEST', `refresh interval ${everyMs} ms is below 10 s`);
    const urls = req.sources.map((s) => {
      const u = normalizeUrl(s);
      if (!u) throw new CoordinatorError('BAD_REQUEST', `source "${s.slice(0, 200)}" is not an http(s) URL`);
      return u;
    });
    const id = newId('col');
    const now = Date.now();
    const options: Options = { everyMs, maxPages: req.maxPages, paused: false };
    await this.db.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO collections (id, name, owner, options, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        [id, req.name, owner, JSON.stringify(options), now, now],
      );
      for (const url of new Set(urls)) {
        await tx.run(
          `INSERT INTO collection_sources (id, collection_id, kind, url, refresh_ms, next_fetch_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [newId('src'), id, guessKind(url), url, everyMs, now, now],
        );
      }
    });
    return this.get(owner, id);
  }

  async list(owner: string | null): Promise<CollectionInfo[]> {
    const rows = await this.db.all<{ id: string }>(
      'SELECT id FROM collections WHERE owner IS NOT DISTINCT FROM ? ORDER BY created_at',
      [owner],
    );
    return Promise.all(rows.map((r) => this.get(owner, r.id)));
  }

  async get(owner: string | null, id: string): Promise<CollectionInfo> {
    const c = await this.db.get<Record<string, unknown>>(
      'SELECT * FROM collections WHERE id = ? AND owner IS NOT DISTINCT FROM ?',
      [id, owner],
    );
    if (!c) throw new CoordinatorError('NOT_FOUND', `no collection ${id}`);
    const o = JSON.parse(String(c.options)) as Options;
    const sources = await this.db.all<Record<string, unknown>>(
      'SELECT * FROM collection_sources WHERE collection_id = ? ORDER BY created_at, url',
      [id],
    );
    const count = async (table: string) =>
      Number(
        (await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE collection_id = ?`, [id]))
          ?.n ?? 0,
      );
    return {
      id,
      name: String(c.name),
      everyMs: o.everyMs,
      maxPages: o.maxPages,
      paused: o.paused,
      createdAt: Number(c.created_at),
      sources: sources.map((s) => ({
        id: String(s.id),
        url: String(s.url),
        kind: String(s.kind),
        lastFetchedAt: s.last_fetched_at == null ? null : Number(s.last_fetched_at),
        nextFetchAt: s.next_fetch_at == null ? null : Number(s.next_fetch_at),
        lastError: (s.last_error as string | null) ?? null,
      })),
      pages: await count('collection_pages'),
      chunks: await count('collection_chunks'),
    };
  }

  async setPaused(owner: string | null, id: string, paused: boolean): Promise<CollectionInfo> {
    const c = await this.get(owner, id);
    const options: Options = { everyMs: c.everyMs, maxPages: c.maxPages, paused };
    await this.db.run('UPDATE collections SET options = ?, updated_at = ? WHERE id = ?', [
      JSON.stringify(options),
      Date.now(),
      id,
    ]);
    return this.get(owner, id);
  }

  /** Deletes the collection with its sources, pages and chunks (the captures stay in the provenance log). */
  async delete(owner: string | null, id: string): Promise<void> {
    await this.get(owner, id);
    await this.db.transaction(async (tx) => {
      for (const table of ['collection_chunks', 'collection_pages', 'collection_sources'])
        await tx.run(`DELETE FROM ${table} WHERE collection_id = ?`, [id]);
      await tx.run('DELETE FROM collections WHERE id = ?', [id]);
    });
  }
}
