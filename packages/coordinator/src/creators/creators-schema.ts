import { applyDdlScript } from '../store/ddl.js';
import type { SqlDriver } from '../store/sql-driver.js';

/**
 * Creators' tables (prefix cr_). A claim is per tenant and domain, with the token its proof must show;
 * cr_domains holds the one verified owner of each domain (a later proof of control by another tenant takes
 * it over, as the domain's new owner); cr_terms keeps every version of a domain's terms, never updated,
 * so a capture can name the version in force when it was fetched. cr_lease_terms names the terms version
 * each page lease of a claimed domain went out under (what its capture's receipt records and its charge
 * uses); cr_page_charges holds each page paid for, or stored free, under a domain's terms: the statement's
 * rows, and the idempotency of charges (one per reference and capture).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS cr_claims (
  tenant_id TEXT NOT NULL, domain TEXT NOT NULL, token TEXT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, domain));
CREATE TABLE IF NOT EXISTS cr_domains (
  domain TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, method TEXT NOT NULL, verified_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS cr_terms (
  domain TEXT NOT NULL, version INTEGER NOT NULL, tenant_id TEXT NOT NULL, terms TEXT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (domain, version));
CREATE TABLE IF NOT EXISTS cr_lease_terms (
  lease_id TEXT PRIMARY KEY, domain TEXT NOT NULL, version INTEGER NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS cr_page_charges (
  ref TEXT NOT NULL, capture_id TEXT NOT NULL, creator_tenant TEXT NOT NULL, domain TEXT NOT NULL,
  version INTEGER NOT NULL, purpose TEXT NOT NULL, customer TEXT NOT NULL, operator TEXT NOT NULL,
  epoch BIGINT NOT NULL, price BIGINT NOT NULL, creator_micros BIGINT NOT NULL,
  operator_micros BIGINT NOT NULL, network_micros BIGINT NOT NULL, at BIGINT NOT NULL,
  PRIMARY KEY (ref, capture_id));
CREATE INDEX IF NOT EXISTS cr_page_charges_creator ON cr_page_charges (creator_tenant, epoch);
`;

/** Creates the creators' tables; called once at the end of Store.migrate(). */
export async function applyCreatorsSchema(db: SqlDriver): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.exec(SCHEMA);
    return;
  }
  await db.transaction(async (tx) => {
    // Same advisory lock as the core schema: replicas starting together must not race on CREATE.
    await tx.run('SELECT pg_advisory_xact_lock(7290017)');
    // Only what the catalogue lacks: DDL on an existing table locks it against a busy peer (store/ddl.ts).
    await applyDdlScript(db, tx, SCHEMA);
  });
}
