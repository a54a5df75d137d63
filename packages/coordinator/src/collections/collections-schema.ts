import { ensureColumns } from '../store/columns.js';
import { applyDdl } from '../store/ddl.js';
import type { SqlDriver } from '../store/sql-driver.js';

/**
 * Live-collection tables. A collection has sources (pages, feeds, sitemaps re-fetched on a schedule);
 * each fetched page keeps its content hash, so a re-fetch that changed nothing keeps its chunks and
 * their embeddings; chunks carry what a RAG answer needs to cite (url, heading path, fetch time, and the
 * provenance log position: leaf index and checkpoint size). Times are epoch ms.
 *
 * Keyword search is each database's own: SQLite FTS5 (external-content table kept in step by triggers,
 * ranked with bm25()) and PostgreSQL full-text search (a generated tsvector with a GIN index, ranked with
 * ts_rank_cd). Both use language-neutral tokenising ('unicode61' / 'simple', no stemming) because a
 * collection mixes languages; SQLite also folds diacritics, PostgreSQL does not.
 */
const TABLES = `
CREATE TABLE IF NOT EXISTS collections (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT, options TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, next_round_at BIGINT, round_job TEXT);
-- One refresh of a collection: a crawl job of its sources and their entries, and what it changed.
CREATE TABLE IF NOT EXISTS collection_rounds (
  job_id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, started_at BIGINT NOT NULL, finished_at BIGINT,
  stats TEXT, webhook_state TEXT, webhook_result TEXT);
CREATE INDEX IF NOT EXISTS collection_rounds_by_collection ON collection_rounds (collection_id, started_at);
-- What each refresh changed in the index, for webhooks and the freshness figures. source_changed_at is
-- when the source says the page changed (Last-Modified, or the feed's date), when it says.
CREATE TABLE IF NOT EXISTS collection_changes (
  id @AUTO_ID, collection_id TEXT NOT NULL, job_id TEXT NOT NULL, url TEXT NOT NULL, change TEXT NOT NULL,
  reason TEXT, source_changed_at BIGINT, detected_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS collection_changes_by_job ON collection_changes (job_id, id);
CREATE INDEX IF NOT EXISTS collection_changes_recent ON collection_changes (collection_id, detected_at);
-- The last answer of every feed and sitemap (sources and child sitemaps): validators for the next
-- conditional request, and the entries to use when it answers 304 or fails.
CREATE TABLE IF NOT EXISTS collection_feeds (
  collection_id TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, etag TEXT, last_modified TEXT,
  entries TEXT NOT NULL, fetched_at BIGINT NOT NULL, PRIMARY KEY (collection_id, url));
CREATE TABLE IF NOT EXISTS collection_sources (
  id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL,
  refresh_ms BIGINT, last_fetched_at BIGINT, next_fetch_at BIGINT, last_error TEXT, etag TEXT,
  last_modified TEXT, created_at BIGINT NOT NULL, UNIQUE (collection_id, url));
CREATE INDEX IF NOT EXISTS collection_sources_due ON collection_sources (next_fetch_at);
CREATE TABLE IF NOT EXISTS collection_pages (
  collection_id TEXT NOT NULL, url TEXT NOT NULL, source_id TEXT, content_hash TEXT NOT NULL,
  capture_id TEXT, fetched_at BIGINT NOT NULL, leaf_index BIGINT, checkpoint_size BIGINT, lang TEXT,
  domain TEXT NOT NULL, chunk_count INTEGER NOT NULL, updated_at BIGINT NOT NULL, etag TEXT,
  last_modified TEXT, checked_at BIGINT, changed_at BIGINT, PRIMARY KEY (collection_id, url));
CREATE TABLE IF NOT EXISTS collection_chunks (
  id @AUTO_ID, collection_id TEXT NOT NULL, url TEXT NOT NULL, ord INTEGER NOT NULL, text TEXT NOT NULL,
  heading_path TEXT NOT NULL, char_offset INTEGER NOT NULL, fetched_at BIGINT NOT NULL, leaf_index BIGINT,
  checkpoint_size BIGINT, lang TEXT, domain TEXT NOT NULL, embedding @BLOB, embedding_model TEXT,
  UNIQUE (collection_id, url, ord));
CREATE INDEX IF NOT EXISTS collection_chunks_filter ON collection_chunks (collection_id, domain, fetched_at);
CREATE INDEX IF NOT EXISTS collection_chunks_unembedded ON collection_chunks (collection_id, id) WHERE embedding IS NULL;
`;

const SQLITE_FTS = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS collection_chunks_fts USING fts5(
     text, heading_path, content='collection_chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`,
  // document frequency of every indexed word, for dropping near-universal words from queries
  `CREATE VIRTUAL TABLE IF NOT EXISTS collection_chunks_vocab USING fts5vocab('collection_chunks_fts', 'row')`,
  `CREATE TRIGGER IF NOT EXISTS collection_chunks_fts_ai AFTER INSERT ON collection_chunks BEGIN
     INSERT INTO collection_chunks_fts (rowid, text, heading_path) VALUES (new.id, new.text, new.heading_path); END`,
  `CREATE TRIGGER IF NOT EXISTS collection_chunks_fts_ad AFTER DELETE ON collection_chunks BEGIN
     INSERT INTO collection_chunks_fts (collection_chunks_fts, rowid, text, heading_path)
       VALUES ('delete', old.id, old.text, old.heading_path); END`,
  `CREATE TRIGGER IF NOT EXISTS collection_chunks_fts_au AFTER UPDATE OF text, heading_path ON collection_chunks BEGIN
     INSERT INTO collection_chunks_fts (collection_chunks_fts, rowid, text, heading_path)
       VALUES ('delete', old.id, old.text, old.heading_path);
     INSERT INTO collection_chunks_fts (rowid, text, heading_path) VALUES (new.id, new.text, new.heading_path); END`,
];

const PG_FTS = [
  // text weighs more than the heading path, which every chunk of a section shares
  `ALTER TABLE collection_chunks ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS (
     setweight(to_tsvector('simple', text), 'A') || setweight(to_tsvector('simple', heading_path), 'B')) STORED`,
  'CREATE INDEX IF NOT EXISTS collection_chunks_tsv ON collection_chunks USING GIN (tsv)',
];

export function collectionsSchemaStatements(dialect: 'sqlite' | 'postgres'): string[] {
  const tables = (
    dialect === 'sqlite'
      ? // AUTOINCREMENT: chunk ids are keys of vector indexes too, and must never be reused
        TABLES.replaceAll('@AUTO_ID', 'INTEGER PRIMARY KEY AUTOINCREMENT').replaceAll('@BLOB', 'BLOB')
      : TABLES.replaceAll('@AUTO_ID', 'BIGSERIAL PRIMARY KEY').replaceAll('@BLOB', 'BYTEA')
  )
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...tables, ...(dialect === 'sqlite' ? SQLITE_FTS : PG_FTS)];
}

/** Creates the collection tables and keyword index if missing; idempotent, safe for concurrent starts. */
export async function applyCollectionsSchema(db: SqlDriver): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7290019)');
    await applyDdl(db, tx, collectionsSchemaStatements(db.dialect));
    // columns that came with scheduled refreshes, for tables created before them
    await ensureColumns(db, tx, 'collections', { next_round_at: 'BIGINT', round_job: 'TEXT' });
    // the key that made the collection: its refreshes' pages count against that key's pages for the day
    await ensureColumns(db, tx, 'collections', { api_key_id: 'TEXT' });
    await ensureColumns(db, tx, 'collection_pages', {
      etag: 'TEXT',
      last_modified: 'TEXT',
      checked_at: 'BIGINT',
      changed_at: 'BIGINT',
    });
  });
}

/**
 * Collections belong to a tenant (they belonged to one key before): an owner that is a key id becomes
 * that key's tenant, and refresh jobs carry their collection's tenant. Run by Store.migrate() once the
 * core tables (api_keys, jobs) exist; idempotent.
 */
export async function migrateCollectionTenancy(db: SqlDriver): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7290019)');
    // Tenant names cannot look like key ids (k_…), so this changes each row once.
    await tx.run(
      `UPDATE collections SET owner = (SELECT k.tenant_id FROM api_keys k WHERE k.id = collections.owner)
       WHERE owner IN (SELECT id FROM api_keys)`,
    );
    // Refresh jobs carry their collection's tenant, so a tenant reads its refreshes' pages and blobs.
    await tx.run(
      `UPDATE jobs SET tenant_id = (SELECT c.owner FROM collections c WHERE c.id = jobs.collection_id)
       WHERE tenant_id IS NULL AND collection_id IS NOT NULL`,
    );
  });
}
