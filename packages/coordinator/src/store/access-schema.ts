import { ensureColumns } from './columns.js';
import { applyDdl } from './ddl.js';
import type { SqlDriver } from './sql-driver.js';

/**
 * Tables for limits and abuse handling: usage counters (request rate, pages per day), the append-only
 * audit log of admin actions, and the public takedown list. The audit log refuses UPDATE and DELETE in
 * the database itself (triggers), so no code path, present or future, can rewrite what an admin did.
 */
const TABLES = `
CREATE TABLE IF NOT EXISTS quota_usage (
  subject TEXT NOT NULL, kind TEXT NOT NULL, win BIGINT NOT NULL, n BIGINT NOT NULL,
  PRIMARY KEY (subject, kind, win));
CREATE TABLE IF NOT EXISTS audit_log (
  id @AUTO_ID, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
  detail TEXT);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action, id);
CREATE TABLE IF NOT EXISTS takedowns (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, host TEXT NOT NULL, reason TEXT NOT NULL,
  actor TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (kind, value));
CREATE INDEX IF NOT EXISTS takedowns_host ON takedowns (host);
CREATE INDEX IF NOT EXISTS jobs_api_key ON jobs (api_key_id, state)`;

const MESSAGE = 'audit_log is append-only';
const SQLITE_TRIGGERS = ['UPDATE', 'DELETE'].map(
  (op) =>
    `CREATE TRIGGER IF NOT EXISTS audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log
     BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`,
);
const PG_TRIGGERS = [
  `CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION '${MESSAGE}'; END $$`,
  `CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
   FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
  `CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
   FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
];

/** Creates the tables if missing and adds per-key limit columns to older api_keys tables; idempotent. */
export async function applyAccessSchema(db: SqlDriver): Promise<void> {
  const tables = TABLES.replaceAll(
    '@AUTO_ID',
    db.dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGSERIAL PRIMARY KEY',
  )
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7290019)');
    await applyDdl(db, tx, [...tables, ...(db.dialect === 'sqlite' ? SQLITE_TRIGGERS : PG_TRIGGERS)]);
    // null: the coordinator's default applies (config requestsPerMinute / pagesPerDay)
    await ensureColumns(db, tx, 'api_keys', { requests_per_minute: 'BIGINT', pages_per_day: 'BIGINT' });
    // The key whose usage counters this key spends (null: its own). Keys a customer makes and rotated
    // secrets share their maker's, so making keys never multiplies a limit.
    await ensureColumns(db, tx, 'api_keys', { quota_key: 'TEXT' });
  });
}
