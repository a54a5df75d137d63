import type { SqlDriver } from '../store/sql-driver.js';
import type { ChunkHit, ChunkIndex, SearchOptions } from './chunk-index.js';
import type { EmbeddingProvider } from './embeddings.js';
import { reciprocalRankFusion } from './rrf.js';
import type { VectorIndex } from './vector-index.js';

/** What a chunk is embedded as: its heading path gives a short chunk the context it lacks on its own. */
export function embeddingText(c: { text: string; headingPath: readonly string[] }): string {
  return c.headingPath.length ? `${c.headingPath.join(' > ')}\n\n${c.text}` : c.text;
}

/**
 * Embeds a collection's chunks that have no vector of the provider's model yet, stores the vectors and
 * adds them to `vectors` when given. Returns how many were embedded. The embedding calls happen outside
 * any transaction (they can take seconds); a chunk replaced meanwhile is simply not updated.
 */
export async function embedPending(
  db: SqlDriver,
  index: ChunkIndex,
  provider: EmbeddingProvider,
  collectionId: string,
  opts: { batch?: number; max?: number; vectors?: VectorIndex } = {},
): Promise<number> {
  const batch = opts.batch ?? 64;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  let done = 0;
  const failed = new Set<number>();
  while (done < max) {
    const pending = (await index.pendingEmbeddings(collectionId, provider.model, batch + failed.size)).filter(
      (p) => !failed.has(p.id),
    );
    const todo = pending.slice(0, Math.min(batch, max - done));
    if (!todo.length) break;
    const vecs = await provider.embed(todo.map(embeddingText));
    const items = todo.map((p, i) => ({ id: p.id, vector: vecs[i] as Float32Array }));
    const stored = new Set(await db.transaction((tx) => index.setEmbeddings(tx, provider.model, items)));
    for (const it of items) {
      if (stored.has(it.id)) opts.vectors?.add(it.id, it.vector);
      // deleted between read and write: it would not come back, but do not ask twice in this run
      else failed.add(it.id);
    }
    done += items.length;
  }
  return done;
}

export interface HybridHit extends ChunkHit {
  /** 1-based rank in the keyword and the vector list, null where absent. */
  keywordRank: number | null;
  vectorRank: number | null;
  /** Cosine similarity to the query when the vector search found it. */
  similarity: number | null;
}

export interface HybridOptions extends SearchOptions {
  /** Candidates taken from each list before fusion (default max(30, 3k)). */
  candidates?: number;
  /** RRF constant (default 60) and per-list weights [keyword, vector] (default [1, 1]). */
  rrfK?: number;
  weights?: [number, number];
}

/**
 * Keyword (BM25 / ts_rank_cd) and vector (cosine) search fused with reciprocal rank fusion. Without an
 * embedder or vector index it is the keyword search alone. Vector candidates are filtered by the same
 * domain / since / lang filters in SQL, so a narrow filter may leave fewer than `candidates` of them.
 */
export async function hybridSearch(
  index: ChunkIndex,
  collectionId: string,
  query: string,
  opts: HybridOptions & { embedder?: EmbeddingProvider; vectors?: VectorIndex } = {},
): Promise<HybridHit[]> {
  const k = opts.k ?? 10;
  const n = opts.candidates ?? Math.max(30, k * 3);
  const filters = { domain: opts.domain, since: opts.since, lang: opts.lang };
  // Both lists are ranked as ids and scores; rows are read for the fused winners only.
  const keyword = await index.rankIds(collectionId, query, { ...filters, match: opts.match, k: n });
  let semantic: { id: number; score: number }[] = [];
  if (opts.embedder && opts.vectors && opts.vectors.size > 0 && query.trim()) {
    const [q] = await opts.embedder.embed([query]);
    if (q) {
      const hits = opts.vectors.search(q, n);
      // stale ids (chunks replaced since) and ids failing the filters drop out
      const ok = await index.filterIds(
        collectionId,
        hits.map((h) => h.id),
        filters,
      );
      semantic = hits.filter((h) => ok.has(h.id));
    }
  }
  const fused = reciprocalRankFusion<{ id: number; score: number }>([keyword, semantic], {
    key: (h) => h.id,
    k: opts.rrfK,
    weights: opts.weights,
    limit: k,
  });
  const rows = await index.byIds(
    collectionId,
    fused.map((f) => f.item.id),
  );
  const fusedById = new Map(fused.map((f) => [f.item.id, f]));
  const sims = new Map(semantic.map((h) => [h.id, h.score]));
  return rows.map((row) => {
    const f = fusedById.get(row.id);
    return {
      ...row,
      score: f?.score ?? 0,
      keywordRank: f?.ranks[0] ?? null,
      vectorRank: f?.ranks[1] ?? null,
      similarity: sims.get(row.id) ?? null,
    };
  });
}
