import { DEFAULT_TENANT, SCOPES } from '@sward/core';
import { ensureColumns } from './columns.js';
import { applyDdl } from './ddl.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/**
 * Tenants, roles and scopes for databases made before them: every existing key becomes an admin of the
 * default tenant (holding every scope), so nothing breaks for current users; jobs get the tenant of the
 * key that created them (the default tenant when the key is gone). Idempotent: only NULL tenants change.
 */
export async function migrateTenancy(db: SqlDriver, tx: SqlExecutor): Promise<void> {
  await ensureColumns(db, tx, 'api_keys', {
    tenant_id: `TEXT NOT NULL DEFAULT '${DEFAULT_TENANT}'`,
    role: "TEXT NOT NULL DEFAULT 'admin'",
    scopes: `TEXT NOT NULL DEFAULT '${SCOPES.join(' ')}'`,
    expires_at: 'BIGINT',
    last_used_at: 'BIGINT',
  });
  await tx.run(
    `UPDATE jobs SET tenant_id = COALESCE((SELECT k.tenant_id FROM api_keys k WHERE k.id = jobs.api_key_id), ?)
     WHERE tenant_id IS NULL AND collection_id IS NULL`,
    [DEFAULT_TENANT],
  );
  await applyDdl(db, tx, [
    'CREATE INDEX IF NOT EXISTS jobs_tenant ON jobs (tenant_id, created_at)',
    'CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys (tenant_id, created_at)',
    // A blob is readable by a tenant only through one of its captures: looked up by hash.
    'CREATE INDEX IF NOT EXISTS captures_body ON captures (body_sha256)',
  ]);
}
