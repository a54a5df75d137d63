import { applyAccessSchema } from './access-schema.js';
import { ArchiveStore } from './archive-store.js';
import { AuditStore } from './audit-store.js';
import { AuthStore } from './auth-store.js';
import { BotKeyStore } from './bot-key-store.js';
import { CaptureStore } from './capture-store.js';
import { ensureColumns } from './columns.js';
import { applyDdl, applyDdlScript } from './ddl.js';
import { ExtractQueueStore } from './extract-queue-store.js';
import { FrontierStore, REFUSED, REFUSED_ADDRESS } from './frontier-store.js';
import { applyJobCounts } from './job-counts.js';
import { isPostgresUrl } from './location.js';
import { applyPaymentSchema, type PaymentStore } from './payment-store.js';
import { QuotaStore } from './quota-store.js';
import { schemaFor } from './schema.js';
import type { SqlDriver } from './sql-driver.js';
import { openSqliteDriver, type SqliteDriverOptions } from './sqlite-driver.js';
import { TakedownStore } from './takedown-store.js';
import { migrateTenancy } from './tenancy-migration.js';
import { defaultQuotaConfig, defaultSchedulerConfig, type SchedulerOptions } from './types.js';

/**
 * A feature's own tables and migrations (rewards, labelling, collections...): the store applies what it is
 * given and knows no feature, so that features sit above it and never the other way round.
 */
export type SchemaPart = (db: SqlDriver) => Promise<void>;

/**
 * The coordinator's one storage interface. Both backends share the SQL: SQLite (embedded default) and
 * PostgreSQL (several coordinators on one database, claims with FOR UPDATE SKIP LOCKED) differ only in
 * their SqlDriver.
 */
export class Store {
  readonly auth: AuthStore;
  readonly frontier: FrontierStore;
  readonly captures: CaptureStore;
  readonly extractQueue: ExtractQueueStore;
  readonly audit: AuditStore;
  readonly quotas: QuotaStore;
  readonly takedowns: TakedownStore;
  readonly botKeys: BotKeyStore;
  readonly payments: PaymentStore;
  readonly archive: ArchiveStore;

  constructor(
    readonly db: SqlDriver,
    config: SchedulerOptions = {},
  ) {
    this.auth = new AuthStore(db);
    this.audit = new AuditStore(db);
    this.quotas = new QuotaStore(db);
    this.takedowns = new TakedownStore(db);
    this.botKeys = new BotKeyStore(db);
    this.frontier = new FrontierStore(db, {
      ...defaultSchedulerConfig,
      ...config,
      quotas: { ...defaultQuotaConfig, ...config.quotas },
    });
    this.payments = this.frontier.payments;
    this.captures = new CaptureStore(db);
    this.extractQueue = new ExtractQueueStore(db);
    this.archive = new ArchiveStore(db);
  }

  /**
   * Creates or updates the schema. On PostgreSQL a schema that is already up to date takes no lock a
   * peer's writers wait for: DDL is skipped when the catalogue has its object (ddl.ts), since CREATE INDEX
   * IF NOT EXISTS and trigger statements lock their table before finding there is nothing to do, which made
   * a start beside a busy peer deadlock (test/start-beside-busy-peer-postgres.test.ts). DDL that does have
   * to run (the first start of a new version beside peers of the old one) can still be picked as a
   * deadlock victim; every step is idempotent, so it is run again rather than the start failing.
   */
  async migrate(parts: readonly SchemaPart[] = []): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.migrateOnce(parts);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (attempt >= 8 || (code !== '40P01' && code !== '40001')) throw e;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
      }
    }
  }

  private async migrateOnce(parts: readonly SchemaPart[]): Promise<void> {
    if (this.db.dialect === 'postgres') {
      // Two coordinators starting at once must not race on CREATE TABLE IF NOT EXISTS.
      await this.db.transaction(async (tx) => {
        await tx.run('SELECT pg_advisory_xact_lock(7290017)');
        await applyDdlScript(this.db, tx, schemaFor('postgres'));
      });
    } else {
      await this.db.exec(schemaFor('sqlite'));
    }
    // Columns added after a table first shipped (CREATE TABLE IF NOT EXISTS keeps old tables as they were).
    await this.db.transaction(async (tx) => {
      if (this.db.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7290017)');
      await ensureColumns(this.db, tx, 'jobs', {
        collection_id: 'TEXT',
        tenant_id: 'TEXT',
        captured_at: 'BIGINT',
      });
      await ensureColumns(this.db, tx, 'hosts', {
        tdmrep_at: 'BIGINT',
        robots_doc: 'BIGINT',
        tdmrep_doc: 'BIGINT',
        kept_until: 'BIGINT',
      });
      const urlColumns = await ensureColumns(this.db, tx, 'urls', {
        robots_doc: 'BIGINT',
        tdmrep_doc: 'BIGINT',
        refused_until: 'BIGINT',
      });
      // Before url_refusals, a node's refusal set avoid_node to that node until another node took the URL: on a
      // network of one node (or where every node refused) the URL waited for good. Such rows are let go once,
      // as a refusal expired would be (a spot check's avoid_node is the checked node: kept).
      if (urlColumns.includes('refused_until'))
        await tx.run(
          `UPDATE urls SET avoid_node = NULL
           WHERE state = 'queued' AND kind <> 'spotcheck' AND reason IN (?, ?) AND avoid_node IS NOT NULL`,
          [REFUSED, REFUSED_ADDRESS],
        );
      await ensureColumns(this.db, tx, 'spot_checks', { outcome: 'TEXT' });
      // a node's witness network (network-key.ts), set from its address at its next session or heartbeat
      await ensureColumns(this.db, tx, 'nodes', { last_network: 'TEXT' });
      await migrateTenancy(this.db, tx);
      await applyDdl(this.db, tx, [
        'CREATE INDEX IF NOT EXISTS jobs_collection ON jobs (collection_id, created_at)',
      ]);
    });
    await applyAccessSchema(this.db);
    await applyPaymentSchema(this.db);
    await applyJobCounts(this.db);
    for (const part of parts) await part(this.db);
  }

  async close(): Promise<void> {
    // a fold of a job's counters under way ends first (it would fail on a closed pool, harmlessly, but late)
    await this.frontier.counts.settled();
    return this.db.close();
  }
}

/**
 * `postgres://…` or `postgresql://…` (in any case: isPostgresUrl) opens PostgreSQL; anything else is a SQLite
 * file path (or :memory:).
 * `parts`: the features' schemas; the coordinator's `openStore` (open-store.ts) passes all of them.
 * `sqlite`: the SQLite driver's options (page cache and mmap sizes, a checkpoint thread); PostgreSQL ignores them.
 */
export async function openBaseStore(
  location: string,
  config: SchedulerOptions = {},
  parts: readonly SchemaPart[] = [],
  sqlite: SqliteDriverOptions = {},
): Promise<Store> {
  // pg (~30 modules) loads only for a PostgreSQL location: a coordinator on SQLite never needs it.
  const driver = isPostgresUrl(location)
    ? (await import('./postgres-driver.js')).openPostgresDriver(location)
    : openSqliteDriver(location, sqlite);
  const store = new Store(driver, config);
  await store.migrate(parts);
  return store;
}
