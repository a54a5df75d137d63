import {
  type CollectionCharges,
  type CollectionInfo,
  type CollectionRequest,
  classifyAddress,
  classifyHostName,
  collectionPricingRequestSchema,
  collectionRequestSchema,
  isAllowedVerdict,
  normalizeUrl,
} from '@sward/core';
import type { z } from 'zod';
import { CoordinatorError } from '../errors.js';
import { newId } from '../store/ids.js';
import type { SqlDriver } from '../store/sql-driver.js';
import { type CollectionOptions, parseInterval, parseOptions } from './collection-options.js';
import { chargesOf, checkPricing, spendingOf } from './collection-spending.js';
import { freshnessOf } from './freshness.js';
import { webhookSecret } from './webhooks.js';

export { type CollectionRequest, collectionRequestSchema, parseInterval };

function badRequest(error: z.ZodError): CoordinatorError {
  const i = error.issues[0];
  return new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
}

export interface CollectionsServiceConfig {
  /** Shortest refresh interval accepted (default 10 s). */
  minIntervalMs?: number;
  /** Accept webhook URLs on private or loopback addresses (default false). */
  webhooksAllowPrivate?: boolean;
}

/** A feed or sitemap by its URL's look; the refresh confirms it from the answer's content type and body. */
const guessKind = (url: string) =>
  /sitemap[^/]*\.xml(\.gz)?$/i.test(url)
    ? 'sitemap'
    : /(\.xml|\.rss|\.atom|\/feed\/?|\/rss\/?)$/i.test(url)
      ? 'feed'
      : 'page';

/**
 * Refuses at once a webhook URL the sender would refuse later: not http(s), credentials in it, or a
 * private / loopback / metadata address written as such (names are checked again when resolved).
 */
function checkWebhookUrl(url: string, allowPrivate: boolean): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CoordinatorError('BAD_REQUEST', `webhook "${url.slice(0, 200)}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new CoordinatorError('BAD_REQUEST', `webhook must be an http(s) URL, not ${u.protocol}`);
  if (u.username || u.password)
    throw new CoordinatorError('BAD_REQUEST', 'webhook URL must not carry credentials');
  const named = classifyHostName(u.hostname);
  const literal = classifyAddress(u.hostname);
  if (named === 'metadata' || literal?.range === 'metadata')
    throw new CoordinatorError('BAD_REQUEST', `webhook host ${u.hostname} is a cloud metadata address`);
  if (!allowPrivate && (named === 'loopback' || (literal && !isAllowedVerdict(literal, { allowPrivate }))))
    throw new CoordinatorError(
      'BAD_REQUEST',
      `webhook host ${u.hostname} is a private or loopback address; this coordinator only calls public ones`,
    );
}

/** Live collections as a customer manages them: create, list, show, pause, resume, delete. */
export class Collections {
  private readonly minIntervalMs: number;

  constructor(
    private readonly db: SqlDriver,
    private readonly config: CollectionsServiceConfig = {},
  ) {
    this.minIntervalMs = config.minIntervalMs ?? 10_000;
  }

  /** `apiKeyId`: the key making it, whose pages for the day its refreshes spend (null: none, as in tests). */
  async create(
    owner: string | null,
    input: unknown,
    apiKeyId: string | null = null,
  ): Promise<CollectionInfo> {
    const parsed = collectionRequestSchema.safeParse(input);
    if (!parsed.success) throw badRequest(parsed.error);
    const req = parsed.data;
    checkPricing(req.maxPrice ?? null, req.budget ?? null);
    const everyMs = parseInterval(req.every);
    if (everyMs < this.minIntervalMs)
      throw new CoordinatorError(
        'BAD_REQUEST',
        `refresh interval ${everyMs} ms is below this coordinator's minimum of ${this.minIntervalMs} ms`,
      );
    if (req.chunkOverlap * 2 >= req.chunkSize)
      throw new CoordinatorError(
        'BAD_REQUEST',
        `chunkOverlap ${req.chunkOverlap} must be less than half of chunkSize ${req.chunkSize}`,
      );
    const urls = req.sources.map((s) => {
      const u = normalizeUrl(s);
      if (!u) throw new CoordinatorError('BAD_REQUEST', `source "${s.slice(0, 200)}" is not an http(s) URL`);
      return u;
    });
    let webhook: CollectionOptions['webhook'] = null;
    if (req.webhook !== undefined) {
      checkWebhookUrl(req.webhook, this.config.webhooksAllowPrivate ?? false);
      webhook = { url: req.webhook, secret: webhookSecret() };
    }
    const id = newId('col');
    const now = Date.now();
    const options: CollectionOptions = {
      everyMs,
      maxPages: req.maxPages,
      paused: false,
      chunkSize: req.chunkSize,
      chunkOverlap: req.chunkOverlap,
      webhook,
      maxPrice: req.maxPrice ?? null,
      budget: req.budget ?? null,
    };
    await this.db.transaction(async (tx) => {
      // the first refresh starts at once
      await tx.run(
        `INSERT INTO collections (id, name, owner, options, created_at, updated_at, next_round_at, api_key_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, req.name, owner, JSON.stringify(options), now, now, now, apiKeyId],
      );
      for (const url of new Set(urls)) {
        await tx.run(
          `INSERT INTO collection_sources (id, collection_id, kind, url, refresh_ms, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [newId('src'), id, guessKind(url), url, everyMs, now],
        );
      }
    });
    const info = await this.get(owner, id);
    return webhook ? { ...info, webhookSecret: webhook.secret } : info;
  }

  async list(owner: string | null): Promise<CollectionInfo[]> {
    const rows = await this.db.all<{ id: string }>(
      'SELECT id FROM collections WHERE owner IS NOT DISTINCT FROM ? ORDER BY created_at',
      [owner],
    );
    return Promise.all(rows.map((r) => this.get(owner, r.id)));
  }

  /** The collection, if `owner` may see it; NOT_FOUND otherwise (another customer's is not there for you). */
  async require(owner: string | null, id: string): Promise<Record<string, unknown>> {
    const c = await this.db.get<Record<string, unknown>>(
      'SELECT * FROM collections WHERE id = ? AND owner IS NOT DISTINCT FROM ?',
      [id, owner],
    );
    if (!c) throw new CoordinatorError('NOT_FOUND', `no collection ${id}`);
    return c;
  }

  async get(owner: string | null, id: string): Promise<CollectionInfo> {
    const c = await this.require(owner, id);
    const o = parseOptions(String(c.options));
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
      chunkSize: o.chunkSize,
      chunkOverlap: o.chunkOverlap,
      paused: o.paused,
      createdAt: Number(c.created_at),
      refreshing: c.round_job != null,
      nextRefreshAt: o.paused || c.next_round_at == null ? null : Number(c.next_round_at),
      webhook: o.webhook ? { url: o.webhook.url } : null,
      spending: await spendingOf(this.db, id, o),
      sources: sources.map((s) => ({
        id: String(s.id),
        url: String(s.url),
        kind: String(s.kind),
        lastFetchedAt: s.last_fetched_at == null ? null : Number(s.last_fetched_at),
        lastError: (s.last_error as string | null) ?? null,
      })),
      pages: await count('collection_pages'),
      chunks: await count('collection_chunks'),
      freshness: await freshnessOf(this.db, id),
    };
  }

  /** Pausing stops new refreshes (one in flight finishes); resuming refreshes at once. */
  async setPaused(owner: string | null, id: string, paused: boolean): Promise<CollectionInfo> {
    // Compare-and-set on the options read, read again after a change meanwhile: a price change made between
    // the read and the write is kept, not written over with the price read before it.
    for (let attempt = 1; ; attempt++) {
      const read = String((await this.require(owner, id)).options);
      const options: CollectionOptions = { ...parseOptions(read), paused };
      const now = Date.now();
      const r = await this.db.run(
        `UPDATE collections SET options = ?, updated_at = ?${paused ? '' : ', next_round_at = ?'} WHERE id = ? AND options = ?`,
        paused ? [JSON.stringify(options), now, id, read] : [JSON.stringify(options), now, now, id, read],
      );
      if (r.changes) break;
      if (attempt === 3)
        throw new CoordinatorError('CONFLICT', `collection ${id} changed meanwhile; send the change again`);
    }
    return this.get(owner, id);
  }

  /**
   * Changes what the collection may pay; only its owner can (another tenant's is NOT_FOUND). A refresh in
   * flight keeps the money it started with; the next one uses these, with the budget still a running total
   * of everything spent so far.
   */
  async setPricing(owner: string | null, id: string, input: unknown): Promise<CollectionInfo> {
    const parsed = collectionPricingRequestSchema.safeParse(input);
    if (!parsed.success) throw badRequest(parsed.error);
    await this.db.transaction(async (tx) => {
      const c = await tx.get<{ options: string }>(
        'SELECT options FROM collections WHERE id = ? AND owner IS NOT DISTINCT FROM ?',
        [id, owner],
      );
      if (!c) throw new CoordinatorError('NOT_FOUND', `no collection ${id}`);
      const o = parseOptions(c.options);
      const next: CollectionOptions = {
        ...o,
        maxPrice: parsed.data.maxPrice === undefined ? o.maxPrice : parsed.data.maxPrice,
        budget: parsed.data.budget === undefined ? o.budget : parsed.data.budget,
      };
      checkPricing(next.maxPrice, next.budget);
      // Compare-and-set on the options read: a pause or another price change meanwhile is not lost.
      const r = await tx.run(
        'UPDATE collections SET options = ?, updated_at = ? WHERE id = ? AND options = ?',
        [JSON.stringify(next), Date.now(), id, c.options],
      );
      if (!r.changes)
        throw new CoordinatorError('CONFLICT', `collection ${id} changed meanwhile; send the change again`);
    });
    return this.get(owner, id);
  }

  /** What the collection spent and the pages of claimed domains it paid for; only its owner sees them. */
  async charges(owner: string | null, id: string): Promise<CollectionCharges> {
    const c = await this.require(owner, id);
    return {
      spending: await spendingOf(this.db, id, parseOptions(String(c.options))),
      charges: await chargesOf(this.db, id),
    };
  }

  /** Starts a refresh as soon as the scheduler looks (within a second), whatever the interval says. */
  async refreshNow(owner: string | null, id: string): Promise<CollectionInfo> {
    await this.require(owner, id);
    await this.db.run('UPDATE collections SET next_round_at = ? WHERE id = ?', [Date.now(), id]);
    return this.get(owner, id);
  }

  /** Deletes the collection with its sources, pages and chunks (the captures stay in the provenance log). */
  async delete(owner: string | null, id: string): Promise<void> {
    await this.require(owner, id);
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      // Lock the collection's row first: a refresher starting a round at this moment (it claims the same
      // row) either commits before the reads below, so its job and round are deleted too, or waits and
      // finds no row. Without it, PostgreSQL could keep a round inserted between two of our statements.
      await tx.run('UPDATE collections SET round_job = round_job WHERE id = ?', [id]);
      // a refresh in flight stops: nothing more is leased, answers still arriving change nothing
      const jobs = await tx.all<{ id: string }>(
        "SELECT id FROM jobs WHERE collection_id = ? AND state = 'running'",
        [id],
      );
      for (const j of jobs) {
        await tx.run(
          "UPDATE urls SET state = 'skipped', reason = 'collection_deleted', updated_at = ? WHERE job_id = ? AND state = 'queued'",
          [now, j.id],
        );
        await tx.run("UPDATE jobs SET state = 'done', finished_at = ? WHERE id = ?", [now, j.id]);
      }
      for (const table of [
        'collection_chunks',
        'collection_pages',
        'collection_sources',
        'collection_feeds',
        'collection_changes',
        'collection_rounds',
      ])
        await tx.run(`DELETE FROM ${table} WHERE collection_id = ?`, [id]);
      await tx.run('DELETE FROM collections WHERE id = ?', [id]);
    });
  }
}
