import { DEFAULT_TENANT } from '@sward/core';
import { ensureColumns } from '../store/columns.js';
import { applyDdl, applyDdlScript } from '../store/ddl.js';
import type { SqlDriver } from '../store/sql-driver.js';

/**
 * Tables of the labelling marketplace (prefix lb_). Times are epoch ms; answers are short strings (see
 * task-types.ts). UNIQUE (project, item, labeller) on assignments is what guarantees no labeller ever
 * gets one item twice, whatever the assignment query does.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS lb_projects (
  id TEXT PRIMARY KEY, api_key_id TEXT, name TEXT NOT NULL, task_type TEXT NOT NULL, k INTEGER NOT NULL,
  rubric TEXT, overlap INTEGER NOT NULL, gold_share DOUBLE PRECISION NOT NULL, pay_per_task DOUBLE PRECISION NOT NULL,
  options TEXT NOT NULL, qualification TEXT, submissions INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS lb_items (
  project_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, prompt TEXT NOT NULL, responses TEXT NOT NULL,
  gold TEXT, chars INTEGER NOT NULL, PRIMARY KEY (project_id, id));
CREATE INDEX IF NOT EXISTS lb_items_seq ON lb_items (project_id, seq);
CREATE TABLE IF NOT EXISTS lb_labellers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS lb_qualifications (
  project_id TEXT NOT NULL, labeller_id TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, passed INTEGER NOT NULL,
  at BIGINT NOT NULL, PRIMARY KEY (project_id, labeller_id));
CREATE TABLE IF NOT EXISTS lb_assignments (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL, item_id TEXT NOT NULL, labeller_id TEXT NOT NULL,
  is_gold INTEGER NOT NULL, issued_at BIGINT NOT NULL, submitted_at BIGINT, answer TEXT, ms BIGINT, client_ms BIGINT,
  UNIQUE (project_id, item_id, labeller_id));
CREATE INDEX IF NOT EXISTS lb_assignments_worker ON lb_assignments (project_id, labeller_id);
CREATE INDEX IF NOT EXISTS lb_assignments_item ON lb_assignments (project_id, item_id);
CREATE TABLE IF NOT EXISTS lb_flags (
  project_id TEXT NOT NULL, labeller_id TEXT NOT NULL, state TEXT NOT NULL, reasons TEXT NOT NULL,
  evidence TEXT NOT NULL, flagged_at BIGINT NOT NULL, reviewed_at BIGINT, PRIMARY KEY (project_id, labeller_id));
CREATE TABLE IF NOT EXISTS lb_pay (
  assignment_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, labeller_id TEXT NOT NULL, amount BIGINT NOT NULL,
  state TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS lb_pay_labeller ON lb_pay (labeller_id, state);
`;

/** Creates the labelling tables; called once at the end of Store.migrate(). */
export async function applyLabellingSchema(db: SqlDriver): Promise<void> {
  if (db.dialect === 'sqlite') await db.exec(SCHEMA.replaceAll('DOUBLE PRECISION', 'REAL'));
  await db.transaction(async (tx) => {
    // Same advisory lock as the core schema: replicas starting together must not race on CREATE.
    if (db.dialect === 'postgres') {
      await tx.run('SELECT pg_advisory_xact_lock(7290017)');
      await applyDdlScript(db, tx, SCHEMA);
    }
    // Projects belong to a tenant (they were per key before): an old project takes its key's tenant.
    await ensureColumns(db, tx, 'lb_projects', { tenant_id: 'TEXT' });
    // Qualification attempts are counted and spaced (labellers.ts); a row from before counts as one attempt.
    await ensureColumns(db, tx, 'lb_qualifications', { attempts: 'INTEGER', last_at: 'BIGINT' });
    await tx.run(
      `UPDATE lb_projects SET tenant_id = COALESCE(
         (SELECT k.tenant_id FROM api_keys k WHERE k.id = lb_projects.api_key_id), ?) WHERE tenant_id IS NULL`,
      [DEFAULT_TENANT],
    );
    await applyDdl(db, tx, [
      'CREATE INDEX IF NOT EXISTS lb_projects_tenant ON lb_projects (tenant_id, created_at)',
    ]);
  });
}
