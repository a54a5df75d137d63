import { createHash } from 'node:crypto';
import type { SqlDriver, SqlExecutor, SqlValue } from '../store/sql-driver.js';
import { bytesToVector, vectorToBytes } from './vector-index.js';

/** A chunk to index: what chunker.ts produces (only these fields are read). */
export interface ChunkInput {
  text: string;
  headingPath: string[];
  offset: number;
}

/** Where and when the page's content was captured. */
export interface PageMeta {
  /** Epoch ms of the capture. */
  fetchedAt: number;
  /**
   * Hash of the page's content; default: SHA-256 of the chunks (texts and heading paths). A hash of the
   * Markdown alone must also cover the chunking options, or new options never re-chunk unchanged pages.
   */
  contentHash?: string;
  captureId?: string | null;
  sourceId?: string | null;
  /** Position of the capture in the provenance log, once sequenced, and the checkpoint that covers it. */
  leafIndex?: number | null;
  checkpointSize?: number | null;
  /** ISO 639-1, as extract() detects it. */
  lang?: string | null;
  /** Default: the URL's host name. */
  domain?: string;
}

export interface ReplaceResult {
  /** False when the content hash is unchanged: chunks (and their embeddings) were kept, metadata refreshed. */
  changed: boolean;
  chunkIds: number[];
}

export interface SearchOptions {
  /** How many results (default 10, at most 200). */
  k?: number;
  /** Only chunks from this host or its subdomains. */
  domain?: string;
  /** Only chunks fetched at or after this time (epoch ms or Date). */
  since?: number | Date;
  /** Only chunks in this language (ISO 639-1). */
  lang?: string;
  /** 'any' (default): a chunk matches if it has any query word, more matches rank higher. 'all': every word. */
  match?: 'any' | 'all';
}

export interface ChunkHit {
  id: number;
  url: string;
  ord: number;
  text: string;
  headingPath: string[];
  offset: number;
  fetchedAt: number;
  leafIndex: number | null;
  checkpointSize: number | null;
  lang: string | null;
  domain: string;
  /** Higher is better. Comparable within one result list only: bm25 on SQLite, ts_rank_cd on PostgreSQL. */
  score: number;
}

const MAX_K = 200;
/** Long pasted queries would only slow the match down; the first words carry the intent. */
const MAX_TERMS = 32;
const TERM = /[\p{L}\p{N}]+/gu;

/**
 * The keyword half of a collection's search: chunks of every page, replaced as a whole when the page
 * changes, searched with the database's own full-text index. Writes take the caller's transaction so a
 * page's chunks change together with whatever else ingest records.
 */
export class ChunkIndex {
  constructor(private readonly db: SqlDriver) {}

  /**
   * Makes `chunks` the page's chunks: the old ones go (with their embeddings) unless the content hash
   * is unchanged, in which case they stay and only the capture metadata moves forward.
   */
  async replacePage(
    tx: SqlExecutor,
    collectionId: string,
    url: string,
    chunks: readonly ChunkInput[],
    meta: PageMeta,
  ): Promise<ReplaceResult> {
    const hash = meta.contentHash ?? contentHashOf(chunks);
    const domain = (meta.domain ?? hostOf(url)).toLowerCase();
    const lang = meta.lang?.toLowerCase() ?? null;
    const now = Date.now();
    // the page row is the per-page lock: a concurrent replace of the same page waits here on PostgreSQL
    // (SQLite transactions are already exclusive)
    await tx.run(
      `INSERT INTO collection_pages (collection_id, url, content_hash, fetched_at, domain, chunk_count, updated_at)
       VALUES (?, ?, '', ?, ?, 0, ?) ON CONFLICT (collection_id, url) DO NOTHING`,
      [collectionId, url, meta.fetchedAt, domain, now],
    );
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const old = await tx.get<{ content_hash: string }>(
      `SELECT content_hash FROM collection_pages WHERE collection_id = ? AND url = ?${lock}`,
      [collectionId, url],
    );
    const changed = old?.content_hash !== hash;
    const provenance: SqlValue[] = [
      meta.fetchedAt,
      meta.leafIndex ?? null,
      meta.checkpointSize ?? null,
      lang,
      domain,
    ];
    await tx.run(
      `UPDATE collection_pages SET content_hash = ?, source_id = ?, capture_id = ?, fetched_at = ?, leaf_index = ?,
         checkpoint_size = ?, lang = ?, domain = ?, chunk_count = ?, updated_at = ?
       WHERE collection_id = ? AND url = ?`,
      [
        hash,
        meta.sourceId ?? null,
        meta.captureId ?? null,
        ...provenance,
        chunks.length,
        now,
        collectionId,
        url,
      ],
    );
    if (!changed) {
      await tx.run(
        `UPDATE collection_chunks SET fetched_at = ?, leaf_index = ?, checkpoint_size = ?, lang = ?, domain = ?
         WHERE collection_id = ? AND url = ?`,
        [...provenance, collectionId, url],
      );
      const kept = await tx.all<{ id: number }>(
        'SELECT id FROM collection_chunks WHERE collection_id = ? AND url = ? ORDER BY ord',
        [collectionId, url],
      );
      // the kept chunks are what the page has, whatever was passed this time
      await tx.run('UPDATE collection_pages SET chunk_count = ? WHERE collection_id = ? AND url = ?', [
        kept.length,
        collectionId,
        url,
      ]);
      return { changed, chunkIds: kept.map((r) => Number(r.id)) };
    }
    await tx.run('DELETE FROM collection_chunks WHERE collection_id = ? AND url = ?', [collectionId, url]);
    const chunkIds: number[] = [];
    for (const [ord, c] of chunks.entries()) {
      const r = await tx.get<{ id: number }>(
        `INSERT INTO collection_chunks (collection_id, url, ord, text, heading_path, char_offset, fetched_at,
           leaf_index, checkpoint_size, lang, domain)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [collectionId, url, ord, c.text, JSON.stringify(c.headingPath), c.offset, ...provenance],
      );
      chunkIds.push(Number(r?.id));
    }
    return { changed, chunkIds };
  }

  /** Drops a page and its chunks (e.g. it is gone from the source, or now 404s). True if it was there. */
  async removePage(tx: SqlExecutor, collectionId: string, url: string): Promise<boolean> {
    await tx.run('DELETE FROM collection_chunks WHERE collection_id = ? AND url = ?', [collectionId, url]);
    const r = await tx.run('DELETE FROM collection_pages WHERE collection_id = ? AND url = ?', [
      collectionId,
      url,
    ]);
    return r.changes > 0;
  }

  /** The page's stored content hash, to skip extraction and chunking of an unchanged re-fetch. */
  async pageHash(collectionId: string, url: string, ex: SqlExecutor = this.db): Promise<string | null> {
    const r = await ex.get<{ content_hash: string }>(
      'SELECT content_hash FROM collection_pages WHERE collection_id = ? AND url = ?',
      [collectionId, url],
    );
    return r?.content_hash || null;
  }

  /** Chunks with no vector from `model` yet (new, changed, or embedded by another model), oldest first. */
  async pendingEmbeddings(collectionId: string, model: string, limit = 256): Promise<PendingChunk[]> {
    const rows = await this.db.all<{ id: number; text: string; heading_path: string }>(
      `SELECT id, text, heading_path FROM collection_chunks
       WHERE collection_id = ? AND (embedding IS NULL OR embedding_model <> ?) ORDER BY id LIMIT ?`,
      [collectionId, model, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      text: r.text,
      headingPath: JSON.parse(r.heading_path) as string[],
    }));
  }

  /** Stores vectors (float32 bytes) with the model that made them; returns the ids stored (replaced chunks are gone). */
  async setEmbeddings(
    tx: SqlExecutor,
    model: string,
    items: readonly { id: number; vector: ArrayLike<number> }[],
  ): Promise<number[]> {
    const stored: number[] = [];
    for (const it of items) {
      const r = await tx.run('UPDATE collection_chunks SET embedding = ?, embedding_model = ? WHERE id = ?', [
        vectorToBytes(it.vector),
        model,
        it.id,
      ]);
      if (r.changes) stored.push(it.id);
    }
    return stored;
  }

  /** A page of a collection's stored vectors of `model`, by id, to (re)build its VectorIndex at start. */
  async embeddings(
    collectionId: string,
    model: string,
    afterId = 0,
    limit = 5000,
  ): Promise<{ id: number; vector: Float32Array }[]> {
    const rows = await this.db.all<{ id: number; embedding: Uint8Array }>(
      `SELECT id, embedding FROM collection_chunks
       WHERE collection_id = ? AND embedding_model = ? AND embedding IS NOT NULL AND id > ? ORDER BY id LIMIT ?`,
      [collectionId, model, afterId, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), vector: bytesToVector(r.embedding) }));
  }

  /**
   * The chunks of `ids` (e.g. vector-search hits) that pass the filters, in the order of `ids`, with
   * `scores` carried over. Ids of other collections, or replaced since, are dropped.
   */
  async byIds(
    collectionId: string,
    ids: readonly number[],
    opts: Omit<SearchOptions, 'k' | 'match'> = {},
    scores: readonly number[] = [],
  ): Promise<ChunkHit[]> {
    if (!ids.length) return [];
    const { sql: filters, params } = filterSql(opts);
    const rows = await this.db.all<Record<string, unknown>>(
      `SELECT ${COLS}, 0 AS score FROM collection_chunks c
       WHERE c.collection_id = ? AND c.id IN (${ids.map(() => '?').join(', ')})${filters}`,
      [collectionId, ...ids, ...params],
    );
    const byId = new Map(rows.map((r) => [Number(r.id), mapHit(r)]));
    return ids.flatMap((id, i) => {
      const h = byId.get(id);
      return h ? [{ ...h, score: scores[i] ?? 0 }] : [];
    });
  }

  /** Which of `ids` are chunks of the collection that pass the filters (vector hits may be stale). */
  async filterIds(
    collectionId: string,
    ids: readonly number[],
    opts: Omit<SearchOptions, 'k' | 'match'> = {},
  ): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const { sql: filters, params } = filterSql(opts);
    const rows = await this.db.all<{ id: number }>(
      `SELECT c.id FROM collection_chunks c
       WHERE c.collection_id = ? AND c.id IN (${ids.map(() => '?').join(', ')})${filters}`,
      [collectionId, ...ids, ...params],
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  private total: { n: number; at: number } | null = null;

  /**
   * The words of an any-word query worth ranking by. A word in more than a tenth of all chunks ("the",
   * "of") has a BM25 weight near zero but makes the database score nearly every chunk: it is dropped
   * (when every word is that common, chunks must have all of the rarest three), and of the rest the
   * rarest MAX_RANKED_TERMS are kept. Document
   * frequencies come from the full-text index's own vocabulary (SQLite fts5vocab; PostgreSQL keeps none
   * cheaply, so there the words are used as given, up to MAX_RANKED_TERMS).
   */
  private async selective(terms: string[]): Promise<{ terms: string[]; all: boolean }> {
    if (this.db.dialect !== 'sqlite') return { terms: terms.slice(0, MAX_RANKED_TERMS), all: false };
    const now = Date.now();
    if (!this.total || now - this.total.at > COUNT_TTL_MS) {
      const r = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM collection_chunks');
      this.total = { n: Number(r?.n ?? 0), at: now };
    }
    // scoring every match of a small index is cheap, and shares of a few chunks say little
    if (this.total.n < PRUNE_FROM_CHUNKS) return { terms: terms.slice(0, MAX_TERMS), all: false };
    const df = new Map(
      (
        await this.db.all<{ term: string; doc: number }>(
          `SELECT term, doc FROM collection_chunks_vocab WHERE term IN (${terms.map(() => '?').join(', ')})`,
          terms,
        )
      ).map((r) => [r.term, Number(r.doc)]),
    );
    // words no chunk has cannot match: rank by the others
    const present = terms.filter((t) => (df.get(t) ?? 0) > 0);
    if (!present.length) return { terms: terms.slice(0, MAX_RANKED_TERMS), all: false };
    const ranked = present.sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
    const limit = this.total.n * COMMON_SHARE;
    const useful = ranked.filter((t) => (df.get(t) ?? 0) <= limit);
    if (useful.length) return { terms: useful.slice(0, MAX_RANKED_TERMS), all: false };
    // Only common words ("what is the"): chunks with all of the rarest few are the relevant ones, and
    // intersecting their lists is far cheaper than scoring nearly every chunk.
    return { terms: ranked.slice(0, ALL_COMMON_TERMS), all: true };
  }

  /**
   * Keyword search over one collection. `query` is untrusted text: only its words are used, each quoted,
   * so FTS5 / tsquery operators in it are plain words. No words, no results.
   */
  async search(collectionId: string, query: string, opts: SearchOptions = {}): Promise<ChunkHit[]> {
    return (await this.ranked(collectionId, query, opts, true)) as ChunkHit[];
  }

  /** Like search(), ids and scores only: what hybrid search fuses before it reads the winners' rows. */
  async rankIds(collectionId: string, query: string, opts: SearchOptions = {}): Promise<RankedId[]> {
    return this.ranked(collectionId, query, opts, false);
  }

  private async ranked(
    collectionId: string,
    query: string,
    opts: SearchOptions,
    rows: boolean,
  ): Promise<RankedId[] | ChunkHit[]> {
    const terms = queryTerms(query);
    if (!terms.length) return [];
    if (opts.match === 'all') return this.match(collectionId, terms, true, opts, rows);
    const chosen = await this.selective(terms);
    const hits = await this.match(collectionId, chosen.terms, chosen.all, opts, rows);
    // no chunk has all of a common-words query's rarest words: any of them, then
    return hits.length || !chosen.all ? hits : this.match(collectionId, chosen.terms, false, opts, rows);
  }

  private async match(
    collectionId: string,
    terms: string[],
    all: boolean,
    opts: SearchOptions,
    withRows: boolean,
  ): Promise<RankedId[] | ChunkHit[]> {
    const k = Math.max(1, Math.min(MAX_K, Math.floor(opts.k ?? 10)));
    const { sql: filters, params } = filterSql(opts);
    // Ids and scores are ranked alone and the k winners' columns read after: sorting every match with its
    // text was most of the time of a broad query.
    const ranking =
      this.db.dialect === 'sqlite'
        ? `SELECT c.id, -bm25(collection_chunks_fts, 1.0, 0.5) AS score
           FROM collection_chunks_fts JOIN collection_chunks c ON c.id = collection_chunks_fts.rowid
           WHERE collection_chunks_fts MATCH ? AND c.collection_id = ?${filters}
           ORDER BY score DESC, c.id LIMIT ?`
        : // normalisation 1 divides by 1 + log(length), so long chunks do not win by size alone
          `SELECT c.id, ts_rank_cd(c.tsv, q, 1) AS score
           FROM collection_chunks c, to_tsquery('simple', ?) q
           WHERE c.tsv @@ q AND c.collection_id = ?${filters}
           ORDER BY score DESC, c.id LIMIT ?`;
    const args = [
      this.db.dialect === 'sqlite' ? fts5Query(terms, all) : tsQuery(terms, all),
      collectionId,
      ...params,
      k,
    ];
    if (!withRows)
      return (await this.db.all<{ id: number; score: number }>(ranking, args)).map((r) => ({
        id: Number(r.id),
        score: Number(r.score),
      }));
    const rows = await this.db.all<Record<string, unknown>>(
      `SELECT ${COLS}, s.score FROM (${ranking}) s JOIN collection_chunks c ON c.id = s.id
       ORDER BY s.score DESC, c.id`,
      args,
    );
    return rows.map(mapHit);
  }
}

/** A query word found in more than this share of all chunks carries (almost) no BM25 weight. */
const COMMON_SHARE = 0.1;
/** The rarest words of a long query decide its ranking; more only widen the match. */
const MAX_RANKED_TERMS = 8;
/** A query of common words only is answered by the chunks that have all of its rarest few. */
const ALL_COMMON_TERMS = 3;
/** Below this many chunks (all collections) every query word is used. */
const PRUNE_FROM_CHUNKS = 5000;
/** How long the chunk count used for document frequencies is trusted. */
const COUNT_TTL_MS = 30_000;

export interface RankedId {
  id: number;
  score: number;
}

export interface PendingChunk {
  id: number;
  text: string;
  headingPath: string[];
}

const COLS = `c.id, c.url, c.ord, c.text, c.heading_path, c.char_offset, c.fetched_at, c.leaf_index,
  c.checkpoint_size, c.lang, c.domain`;

function filterSql(opts: Omit<SearchOptions, 'k' | 'match'>): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (opts.domain) {
    const d = opts.domain.toLowerCase().replace(/^\.+|\.+$/g, '');
    // subdomains match too; LIKE wildcards in the given domain are escaped
    where.push("(c.domain = ? OR c.domain LIKE ? ESCAPE '\\')");
    params.push(d, `%.${d.replace(/[\\%_]/g, (ch) => `\\${ch}`)}`);
  }
  if (opts.since !== undefined) {
    where.push('c.fetched_at >= ?');
    params.push(opts.since instanceof Date ? opts.since.getTime() : opts.since);
  }
  if (opts.lang) {
    where.push('c.lang = ?');
    params.push(opts.lang.toLowerCase());
  }
  return { sql: where.map((w) => ` AND ${w}`).join(''), params };
}

/** The words of an untrusted query, lower-cased, de-duplicated, at most MAX_TERMS. */
export function queryTerms(query: string): string[] {
  const words = (query.normalize('NFKC').toLowerCase().match(TERM) ?? []).filter(Boolean);
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** FTS5 query of plain words: each is a quoted string (inner quotes doubled), so no operator survives. */
export function fts5Query(terms: readonly string[], all = false): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(all ? ' AND ' : ' OR ');
}

/** tsquery of plain words: each a quoted lexeme (inner quotes and backslashes escaped). */
export function tsQuery(terms: readonly string[], all = false): string {
  return terms.map((t) => `'${t.replace(/['\\]/g, (c) => `\\${c}`)}'`).join(all ? ' & ' : ' | ');
}

function mapHit(r: Record<string, unknown>): ChunkHit {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    url: String(r.url),
    ord: Number(r.ord),
    text: String(r.text),
    headingPath: JSON.parse(String(r.heading_path)) as string[],
    offset: Number(r.char_offset),
    fetchedAt: Number(r.fetched_at),
    leafIndex: num(r.leaf_index),
    checkpointSize: num(r.checkpoint_size),
    lang: (r.lang as string | null) ?? null,
    domain: String(r.domain),
    score: Number(r.score),
  };
}

export function contentHashOf(chunks: readonly ChunkInput[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(JSON.stringify([c.headingPath, c.text])).update('\n');
  return h.digest('hex');
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
