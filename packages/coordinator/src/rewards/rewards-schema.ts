import { ensureColumns } from '../store/columns.js';
import { applyDdl } from '../store/ddl.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';

/**
 * Rewards tables (prefix rw_). Amounts are integer micro-points in BIGINT; times epoch ms. The ledger is
 * rw_transactions + rw_entries (immutable, enforced by triggers); rw_balances is a running total kept in
 * the same transaction as the entries, only for accounts with a floor (the treasury and distributor have
 * none, and would otherwise be one hot row every writer waits on).
 */
const TABLES = `
CREATE TABLE IF NOT EXISTS rw_operators (
  operator TEXT PRIMARY KEY, referral_code TEXT NOT NULL UNIQUE, referred_by TEXT, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS rw_operators_referred_by ON rw_operators (referred_by);
CREATE TABLE IF NOT EXISTS rw_transactions (
  id @AUTO_ID, idem_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, ref TEXT, memo TEXT,
  policy_version INTEGER NOT NULL, epoch BIGINT NOT NULL, reverses BIGINT, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS rw_transactions_ref ON rw_transactions (ref);
CREATE TABLE IF NOT EXISTS rw_entries (
  id @AUTO_ID, tx_id BIGINT NOT NULL, account TEXT NOT NULL, amount BIGINT NOT NULL, kind TEXT NOT NULL,
  epoch BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS rw_entries_account ON rw_entries (account, epoch);
CREATE INDEX IF NOT EXISTS rw_entries_tx ON rw_entries (tx_id);
CREATE INDEX IF NOT EXISTS rw_entries_epoch ON rw_entries (epoch);
CREATE TABLE IF NOT EXISTS rw_balances (account TEXT PRIMARY KEY, balance BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS rw_captures (
  capture_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, operator TEXT NOT NULL, epoch BIGINT NOT NULL,
  bytes BIGINT NOT NULL, outcome TEXT NOT NULL, points BIGINT NOT NULL, clawed_back_at BIGINT,
  created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS rw_captures_operator ON rw_captures (operator, epoch);
CREATE TABLE IF NOT EXISTS rw_uptime (node_id TEXT NOT NULL, slot BIGINT NOT NULL, PRIMARY KEY (node_id, slot));
CREATE INDEX IF NOT EXISTS rw_uptime_slot ON rw_uptime (slot);
CREATE TABLE IF NOT EXISTS rw_node_sessions (
  id @AUTO_ID, node_id TEXT NOT NULL, ip TEXT, started_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS rw_node_sessions_at ON rw_node_sessions (started_at);
CREATE TABLE IF NOT EXISTS rw_spot_checks (
  id @AUTO_ID, node_id TEXT NOT NULL, capture_id TEXT, agreed INTEGER NOT NULL, reason TEXT, at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS rw_spot_checks_node ON rw_spot_checks (node_id, at);
CREATE TABLE IF NOT EXISTS rw_flags (
  id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, evidence TEXT NOT NULL,
  status TEXT NOT NULL, created_at BIGINT NOT NULL, reviewed_at BIGINT, note TEXT);
CREATE TABLE IF NOT EXISTS rw_flag_members (
  flag_id TEXT NOT NULL, operator TEXT NOT NULL, node_id TEXT NOT NULL, PRIMARY KEY (flag_id, operator, node_id));
CREATE INDEX IF NOT EXISTS rw_flag_members_operator ON rw_flag_members (operator);
CREATE TABLE IF NOT EXISTS rw_epochs (
  id BIGINT PRIMARY KEY, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, closed_at BIGINT NOT NULL,
  policy_version INTEGER NOT NULL, size BIGINT NOT NULL, total BIGINT NOT NULL, root TEXT NOT NULL,
  anchor TEXT);
CREATE TABLE IF NOT EXISTS rw_payouts (
  epoch BIGINT NOT NULL, idx BIGINT NOT NULL, account TEXT NOT NULL, amount BIGINT NOT NULL,
  PRIMARY KEY (epoch, idx), UNIQUE (epoch, account));
`;

const SQLITE_TRIGGERS = ['rw_entries', 'rw_transactions'].flatMap((t) =>
  ['UPDATE', 'DELETE'].map(
    (op) =>
      `CREATE TRIGGER IF NOT EXISTS ${t}_no_${op.toLowerCase()} BEFORE ${op} ON ${t}
       BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable: post a reversing transaction'); END`,
  ),
);

const PG_TRIGGERS = [
  `CREATE OR REPLACE FUNCTION rw_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION 'ledger rows are immutable: post a reversing transaction'; END $$`,
  ...['rw_entries', 'rw_transactions'].map(
    (t) => `CREATE OR REPLACE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON ${t}
            FOR EACH ROW EXECUTE FUNCTION rw_immutable()`,
  ),
];

export function rewardsSchemaStatements(dialect: 'sqlite' | 'postgres'): string[] {
  const tables = (
    dialect === 'sqlite'
      ? TABLES.replaceAll('@AUTO_ID', 'INTEGER PRIMARY KEY')
      : TABLES.replaceAll('@AUTO_ID', 'BIGSERIAL PRIMARY KEY')
  )
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...tables, ...(dialect === 'sqlite' ? SQLITE_TRIGGERS : PG_TRIGGERS)];
}

/** Creates the rewards tables if missing; idempotent, safe for several coordinators starting at once. */
export async function applyRewardsSchema(db: SqlDriver): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7290018)');
    await applyDdl(db, tx, rewardsSchemaStatements(db.dialect));
    await migrateOperatorAccounts(db, tx);
  });
}

/**
 * Operators became accounts with keys (issue 13): older databases have name-only operators. Their rows
 * keep their ids, balances and referral links; their name is reserved (name = id) so nobody else can
 * register it, and only a node already bound to that name may claim it with a key (operators.ts).
 * Uptime slots gained the address the node was seen at (sybil-detect.ts).
 */
async function migrateOperatorAccounts(db: SqlDriver, tx: SqlExecutor): Promise<void> {
  await ensureColumns(db, tx, 'rw_operators', { public_key: 'TEXT', name: 'TEXT', revoked_at: 'BIGINT' });
  await ensureColumns(db, tx, 'rw_uptime', { ip: 'TEXT' });
  await tx.run(
    `UPDATE rw_operators SET name = operator WHERE name IS NULL AND public_key IS NULL
       AND NOT EXISTS (SELECT 1 FROM rw_operators o2 WHERE o2.name = rw_operators.operator)`,
  );
  await applyDdl(db, tx, [
    'CREATE UNIQUE INDEX IF NOT EXISTS rw_operators_key ON rw_operators (public_key)',
    'CREATE UNIQUE INDEX IF NOT EXISTS rw_operators_name ON rw_operators (name)',
  ]);
}
