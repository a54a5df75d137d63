import { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE } from '@sward/core';
import { z } from 'zod';
import { CoordinatorError } from '../errors.js';
import type { SqlExecutor } from '../store/sql-driver.js';

/** "90s", "5m", "2h", "1d" or plain milliseconds. */
export function parseInterval(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m)
    throw new CoordinatorError('BAD_REQUEST', `refresh interval "${text}" is not like 30s, 5m, 2h or 1d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Math.round(Number(m[1]) * unit);
}

/** What a collection keeps in collections.options. */
export { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE };

export interface CollectionOptions {
  everyMs: number;
  maxPages: number;
  paused: boolean;
  /** Chunk target size and overlap, in characters. */
  chunkSize: number;
  chunkOverlap: number;
  webhook: { url: string; secret: string } | null;
  /**
   * What its refreshes may pay, USD decimals as the customer gave them (collection-spending.ts): the most a
   * page may cost, and the most all refreshes together may spend. Null: none.
   */
  maxPrice: string | null;
  budget: string | null;
}

const stored = z.object({
  everyMs: z.number(),
  maxPages: z.number(),
  paused: z.boolean().default(false),
  chunkSize: z.number().default(DEFAULT_CHUNK_SIZE),
  chunkOverlap: z.number().default(DEFAULT_CHUNK_OVERLAP),
  webhook: z.object({ url: z.string(), secret: z.string() }).nullable().default(null),
  maxPrice: z.string().nullable().default(null),
  budget: z.string().nullable().default(null),
});

export function parseOptions(json: string): CollectionOptions {
  return stored.parse(JSON.parse(json));
}

/** The collection's options, or null when it was deleted (a refresh still in flight then changes nothing). */
export async function collectionOptions(tx: SqlExecutor, id: string): Promise<CollectionOptions | null> {
  const r = await tx.get<{ options: string }>('SELECT options FROM collections WHERE id = ?', [id]);
  return r ? parseOptions(r.options) : null;
}
