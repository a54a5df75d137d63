import {
  type CollectionSearchAnswer,
  type CollectionSearchRequest,
  type CollectionSearchResult,
  collectionSearchRequestSchema,
} from '@sward/core';
import type { Logger } from 'pino';
import { CoordinatorError } from '../errors.js';
import type { SqlDriver } from '../store/sql-driver.js';
import type { ChunkIndex } from './chunk-index.js';
import type { EmbeddingProvider } from './embeddings.js';
import { embedPending, hybridSearch } from './hybrid-search.js';
import { VectorIndex } from './vector-index.js';

const searchRequestSchema = collectionSearchRequestSchema;

/** Embeddings made per collection per refresh tick; the rest wait for the next tick. */
const EMBED_PER_TICK = 1024;

/**
 * Search over live collections: BM25 always, plus vectors fused by reciprocal rank fusion when an
 * embedding provider is configured. Each collection's vectors are cached in memory (exact search when
 * small, HNSW when large) and kept in step with the database, so vectors another coordinator stored are
 * picked up too.
 */
export class CollectionSearch {
  private readonly vectors = new Map<string, { index: VectorIndex; lastId: number }>();

  constructor(
    private readonly db: SqlDriver,
    private readonly chunks: ChunkIndex,
    private readonly embedder: EmbeddingProvider | null = null,
    private readonly log?: Logger,
  ) {}

  /** `input` is a customer's request body: checked here, so every caller gets the same clear errors. */
  async search(
    collectionId: string,
    input: CollectionSearchRequest | unknown,
  ): Promise<CollectionSearchAnswer> {
    const parsed = searchRequestSchema.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
    }
    const req = parsed.data;
    const k = req.k;
    const f = req.filters;
    let since: number | undefined;
    if (f.since !== undefined) {
      since = typeof f.since === 'number' ? f.since : Date.parse(f.since);
      if (!Number.isFinite(since))
        throw new CoordinatorError('BAD_REQUEST', `filters.since: "${f.since}" is not an ISO 8601 date`);
    }
    const filters = { domain: f.domain || undefined, since, lang: f.lang || undefined };
    let warning: string | undefined;
    let vectors: VectorIndex | undefined;
    if (this.embedder) {
      try {
        vectors = await this.vectorsOf(collectionId);
      } catch (e) {
        warning = `vector search skipped: ${(e as Error).message}`;
      }
    }
    let hits: Awaited<ReturnType<typeof hybridSearch>>;
    try {
      hits = await hybridSearch(this.chunks, collectionId, req.query, {
        k,
        ...filters,
        ...(this.embedder && vectors ? { embedder: this.embedder, vectors } : {}),
      });
    } catch (e) {
      if (!this.embedder || !vectors) throw e;
      // the embedding server is down or slow: keywords still answer
      warning = `vector search skipped: ${(e as Error).message}`;
      hits = await hybridSearch(this.chunks, collectionId, req.query, { k, ...filters });
      vectors = undefined;
    }
    const provenance = await this.provenance(
      collectionId,
      hits.map((h) => h.url),
    );
    return {
      mode: this.embedder && vectors && vectors.size > 0 ? 'hybrid' : 'keyword',
      results: hits.map((h) => ({
        score: h.score,
        text: h.text,
        url: h.url,
        headingPath: h.headingPath,
        fetchedAt: new Date(h.fetchedAt).toISOString(),
        lang: h.lang,
        domain: h.domain,
        keywordRank: h.keywordRank,
        vectorRank: h.vectorRank,
        provenance: provenance.get(h.url) ?? {
          captureId: null,
          leafIndex: null,
          checkpointSize: null,
          proof: null,
        },
      })),
      ...(warning ? { warning } : {}),
    };
  }

  /** Embeds every collection's new chunks (a bounded number per call); a failing provider is logged, not fatal. */
  async embedPending(): Promise<number> {
    if (!this.embedder) return 0;
    const cols = await this.db.all<{ collection_id: string }>(
      'SELECT DISTINCT collection_id FROM collection_chunks WHERE embedding IS NULL OR embedding_model <> ?',
      [this.embedder.model],
    );
    let n = 0;
    for (const { collection_id: id } of cols) {
      try {
        const vectors = await this.vectorsOf(id);
        n += await embedPending(this.db, this.chunks, this.embedder, id, { max: EMBED_PER_TICK, vectors });
      } catch (e) {
        this.log?.warn({ collection: id, err: (e as Error).message }, 'embedding failed; will retry');
      }
    }
    return n;
  }

  /** The collection's vector index, brought up to date with the database (and rebuilt when it holds many stale vectors). */
  private async vectorsOf(collectionId: string): Promise<VectorIndex | undefined> {
    if (!this.embedder) return undefined;
    const model = this.embedder.model;
    let entry = this.vectors.get(collectionId);
    if (entry) {
      const live = await this.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM collection_chunks WHERE collection_id = ? AND embedding_model = ?',
        [collectionId, model],
      );
      if (entry.index.size > Number(live?.n ?? 0) * 1.25 + 100) entry = undefined;
    }
    for (;;) {
      const page = await this.chunks.embeddings(collectionId, model, entry?.lastId ?? 0, 5000);
      if (!page.length) break;
      if (!entry) {
        entry = {
          index: new VectorIndex({ dimensions: (page[0] as { vector: Float32Array }).vector.length }),
          lastId: 0,
        };
      }
      for (const p of page) {
        if (p.vector.length === entry.index.dimensions) entry.index.add(p.id, p.vector);
        entry.lastId = p.id;
      }
    }
    if (!entry) {
      // nothing embedded yet: an index sized by the first vector the provider returns
      const [probe] = await this.embedder.embed(['dimensions probe']);
      if (!probe) return undefined;
      entry = { index: new VectorIndex({ dimensions: probe.length }), lastId: 0 };
    }
    this.vectors.set(collectionId, entry);
    return entry.index;
  }

  /** For each URL: its capture, the capture's leaf and the latest checkpoint if it covers that leaf. */
  private async provenance(
    collectionId: string,
    urls: readonly string[],
  ): Promise<Map<string, CollectionSearchResult['provenance']>> {
    const out = new Map<string, CollectionSearchResult['provenance']>();
    const unique = [...new Set(urls)];
    if (!unique.length) return out;
    const rows = await this.db.all<{ url: string; capture_id: string | null; leaf_index: number | null }>(
      `SELECT p.url, p.capture_id, c.leaf_index FROM collection_pages p LEFT JOIN captures c ON c.id = p.capture_id
       WHERE p.collection_id = ? AND p.url IN (${unique.map(() => '?').join(', ')})`,
      [collectionId, ...unique],
    );
    const cp = await this.db.get<{ size: number }>('SELECT max(size) AS size FROM checkpoints');
    const size = cp?.size == null ? null : Number(cp.size);
    for (const r of rows) {
      const leaf = r.leaf_index == null ? null : Number(r.leaf_index);
      out.set(r.url, {
        captureId: r.capture_id,
        leafIndex: leaf,
        checkpointSize: leaf !== null && size !== null && size > leaf ? size : null,
        proof: r.capture_id ? `/v1/proofs?captureId=${encodeURIComponent(r.capture_id)}` : null,
      });
    }
    return out;
  }
}
