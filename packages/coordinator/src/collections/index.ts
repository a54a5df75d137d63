/**
 * Building blocks of live collections for RAG (re-fetched sources, chunked, indexed, searchable):
 *
 *   feed/sitemap ─parseFeed─▶ page URLs (+ lastmod) ─crawl─▶ extract() ─chunkDocument─▶ chunks
 *   chunks ─ChunkIndex.replacePage (in the ingest transaction)─▶ collection_chunks (+ FTS5 / tsvector)
 *   embedPending(provider) ─▶ vectors in collection_chunks + VectorIndex (exact, HNSW when large)
 *   hybridSearch = keyword search ⊕ vector search, fused by reciprocal rank fusion
 *
 * applyCollectionsSchema(db) creates the tables; it is not yet called by Store.migrate().
 */
export * from './chunk-index.js';
export * from './chunker.js';
export * from './collections-schema.js';
export * from './collections-service.js';
export * from './embeddings.js';
export * from './feed-expand.js';
export * from './hybrid-search.js';
export * from './rrf.js';
export * from './vector-index.js';
