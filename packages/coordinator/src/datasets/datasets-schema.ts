import { applyDdlScript } from '../store/ddl.js';
import type { SqlDriver } from '../store/sql-driver.js';

/**
 * Dataset builds (prefix ds_): one row per build, owned by a tenant. `params` is the validated request,
 * `progress` and `report` JSON the build updates as it goes; the files live under the data folder.
 * The catalogue (catalogue.ts): ds_versions, one immutable row per published owner/name@version (only its
 * deprecation is ever set), the tenants it is shared with, its rows (capture, URL, body hash, node, the creator
 * terms it was captured under: what a download charges and the next version's diff reads) and what changed
 * against the previous version; ds_downloads, one row per download (the metering and the charge's reference).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ds_builds (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, state TEXT NOT NULL, params TEXT NOT NULL,
  progress TEXT NOT NULL, report TEXT, error TEXT, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS ds_builds_tenant ON ds_builds (tenant_id, created_at);
CREATE TABLE IF NOT EXISTS ds_versions (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, build_id TEXT NOT NULL,
  description TEXT NOT NULL, visibility TEXT NOT NULL, purpose TEXT NOT NULL, files TEXT NOT NULL,
  row_count BIGINT NOT NULL, bytes BIGINT NOT NULL, licenses TEXT NOT NULL, price TEXT NOT NULL,
  changes TEXT, published_at BIGINT NOT NULL, published_by TEXT NOT NULL,
  deprecated_at BIGINT, deprecation_reason TEXT, UNIQUE (owner, name, version));
CREATE INDEX IF NOT EXISTS ds_versions_name ON ds_versions (owner, name, published_at);
CREATE INDEX IF NOT EXISTS ds_versions_visibility ON ds_versions (visibility, published_at);
CREATE TABLE IF NOT EXISTS ds_version_tenants (
  version_id TEXT NOT NULL, tenant_id TEXT NOT NULL, PRIMARY KEY (version_id, tenant_id));
CREATE INDEX IF NOT EXISTS ds_version_tenants_tenant ON ds_version_tenants (tenant_id);
CREATE TABLE IF NOT EXISTS ds_version_rows (
  version_id TEXT NOT NULL, capture_id TEXT NOT NULL, url TEXT NOT NULL, body_sha256 TEXT NOT NULL,
  node_id TEXT NOT NULL, terms_domain TEXT, terms_version INTEGER, PRIMARY KEY (version_id, capture_id));
CREATE TABLE IF NOT EXISTS ds_version_changes (
  version_id TEXT NOT NULL, seq INTEGER NOT NULL, url TEXT NOT NULL, change TEXT NOT NULL,
  before_sha TEXT NOT NULL, after_sha TEXT NOT NULL, PRIMARY KEY (version_id, seq));
CREATE TABLE IF NOT EXISTS ds_downloads (
  id TEXT PRIMARY KEY, version_id TEXT NOT NULL, customer TEXT NOT NULL, key_id TEXT NOT NULL,
  created_at BIGINT NOT NULL, row_count BIGINT NOT NULL, bytes BIGINT NOT NULL, priced_rows BIGINT NOT NULL,
  charged BIGINT NOT NULL, max_price BIGINT, bytes_served BIGINT NOT NULL DEFAULT 0,
  files_served BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS ds_downloads_customer ON ds_downloads (customer, created_at);
CREATE INDEX IF NOT EXISTS ds_downloads_version ON ds_downloads (version_id, created_at);
`;

/** Creates the dataset builds' table; called once at the end of Store.migrate(). */
export async function applyDatasetsSchema(db: SqlDriver): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.exec(SCHEMA);
    return;
  }
  await db.transaction(async (tx) => {
    // Same advisory lock as the core schema: replicas starting together must not race on CREATE.
    await tx.run('SELECT pg_advisory_xact_lock(7290017)');
    await applyDdlScript(db, tx, SCHEMA);
  });
}
