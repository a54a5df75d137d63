import { applyDdlScript } from '../store/ddl.js';
import type { SqlDriver } from '../store/sql-driver.js';

/**
 * Dataset builds (prefix ds_): one row per build, owned by a tenant. `params` is the validated request,
 * `progress` and `report` JSON the build updates as it goes; the files live under the data folder.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ds_builds (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, state TEXT NOT NULL, params TEXT NOT NULL,
  progress TEXT NOT NULL, report TEXT, error TEXT, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS ds_builds_tenant ON ds_builds (tenant_id, created_at);
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
