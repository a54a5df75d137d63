/**
 * Live collections for RAG (sources re-fetched on a schedule, chunked, indexed, searchable):
 *
 *   CollectionRefresher: due collection ─▶ a crawl job of its sources (through nodes, conditional requests)
 *   ingest ─CollectionIngest─▶ feed/sitemap: parseFeed ─▶ entries queued in the same job
 *                             page: extract() ─chunkDocument─▶ ChunkIndex.replacePage (skipped when the text
 *                             hash is unchanged); 304 confirms; 404/410/noai/TDMRep remove
 *   job done ─▶ pages no source lists leave the index; figures; signed webhook; embedPending(provider)
 *   CollectionSearch = BM25 (FTS5 / tsvector) ⊕ vectors (exact, HNSW when large), fused by RRF, with provenance
 */

export * from '../ingest/feed-expand.js';
export * from './chunk-index.js';
export * from './chunker.js';
export * from './collection-ingest.js';
export * from './collection-options.js';
export * from './collection-search.js';
export * from './collection-spending.js';
export * from './collections-schema.js';
export * from './collections-service.js';
export * from './embeddings.js';
export * from './freshness.js';
export * from './hybrid-search.js';
export * from './refresher.js';
export * from './rrf.js';
export * from './vector-index.js';
export * from './webhooks.js';
