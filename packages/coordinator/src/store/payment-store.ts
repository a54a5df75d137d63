import { type CrawlOptions, decimalMicros } from '@sward/core';
import { applyDdlScript } from './ddl.js';
import { inChunks, marks } from './multi-row.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';

/**
 * Pay-per-crawl money and licence tokens of crawl jobs. Amounts are micro-USD (integers).
 *
 * - job_payments: a job's ceiling per page, its budget (NULL: none) and what captures recorded as charged.
 * - price_holds: the amount reserved for one lease. A hold counts only while its lease is open (the
 *   URL row still carries that lease id, state 'leased'): a lease that expires, fails, is handed back or is
 *   answered releases its hold by that fact alone, whichever path closed it, so no release can be missed.
 * - job_license_tokens: RSL licence tokens per origin, kept out of the job's options so that they are never
 *   listed, logged or written to an output folder; only leases for that origin carry them.
 */
const TABLES = `
CREATE TABLE IF NOT EXISTS job_payments (
  job_id TEXT PRIMARY KEY, max_price BIGINT NOT NULL, budget BIGINT, spent BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS price_holds (lease_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, amount BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS price_holds_job ON price_holds (job_id);
CREATE TABLE IF NOT EXISTS job_license_tokens (
  job_id TEXT NOT NULL, origin TEXT NOT NULL, token TEXT NOT NULL, PRIMARY KEY (job_id, origin))`;

export async function applyPaymentSchema(db: SqlDriver): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.exec(`${TABLES};`);
    return;
  }
  await db.transaction(async (tx) => {
    // Under the schema lock, and only what the catalogue lacks: CREATE INDEX IF NOT EXISTS on a table a
    // running peer writes deadlocks with it (ddl.ts).
    await tx.run('SELECT pg_advisory_xact_lock(7290017)');
    await applyDdlScript(db, tx, TABLES);
  });
}

export interface JobBudget {
  maxPrice: number;
  budget: number | null;
  spent: number;
  /** Held for open leases. */
  held: number;
}

/** What a job may pay: its options without the licence tokens, and the money and tokens apart. */
export function splitPaymentOptions(opts: CrawlOptions): {
  options: Omit<CrawlOptions, 'licenseTokens'>;
  tokens: { origin: string; token: string }[];
} {
  const { licenseTokens, ...options } = opts;
  return { options, tokens: licenseTokens ?? [] };
}

export class PaymentStore {
  constructor(private readonly db: SqlDriver) {}

  /** At job creation, in its transaction: the ceiling and budget, and the licence tokens. */
  async recordJob(tx: SqlExecutor, jobId: string, opts: CrawlOptions): Promise<void> {
    const max = opts.maxPrice === undefined ? null : decimalMicros(opts.maxPrice);
    if (max !== null) {
      const budget = opts.budget === undefined ? null : decimalMicros(opts.budget);
      await tx.run('INSERT INTO job_payments (job_id, max_price, budget, spent) VALUES (?, ?, ?, 0)', [
        jobId,
        max,
        budget,
      ]);
    }
    for (const t of opts.licenseTokens ?? [])
      await tx.run(
        `INSERT INTO job_license_tokens (job_id, origin, token) VALUES (?, ?, ?)
         ON CONFLICT (job_id, origin) DO UPDATE SET token = excluded.token`,
        [jobId, new URL(t.origin).origin, t.token],
      );
  }

  /** The job's licence tokens by origin. */
  async licenseTokens(tx: SqlExecutor, jobId: string): Promise<Map<string, string>> {
    const rows = await tx.all<{ origin: string; token: string }>(
      'SELECT origin, token FROM job_license_tokens WHERE job_id = ?',
      [jobId],
    );
    return new Map(rows.map((r) => [r.origin, r.token]));
  }

  /**
   * The job's money, read in one statement so that a capture settling meanwhile (spent up, its hold gone,
   * in one commit) is seen entirely or not at all. Null for a job that pays nothing.
   */
  async budgetOf(tx: SqlExecutor, jobId: string): Promise<JobBudget | null> {
    const r = await tx.get<{ max_price: number; budget: number | null; spent: number; held: number | null }>(
      `SELECT p.max_price, p.budget, p.spent,
         (SELECT SUM(h.amount) FROM price_holds h JOIN urls u ON u.lease_id = h.lease_id
          WHERE h.job_id = p.job_id AND u.state = 'leased') AS held
       FROM job_payments p WHERE p.job_id = ?`,
      [jobId],
    );
    if (!r) return null;
    return {
      maxPrice: Number(r.max_price),
      budget: r.budget == null ? null : Number(r.budget),
      spent: Number(r.spent),
      held: Number(r.held ?? 0),
    };
  }

  /**
   * Serialises the budget decisions of one job across coordinators (PostgreSQL; SQLite runs one writing
   * transaction at a time). A try-lock: a claim that finds another replica deciding for the job leaves its
   * URL queued for the next round instead of waiting, so two claims can never wait on each other.
   */
  async tryLockBudget(tx: SqlExecutor, jobId: string): Promise<boolean> {
    if (this.db.dialect !== 'postgres') return true;
    const r = await tx.get<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(7290031, hashtext(?)) AS ok', [
      jobId,
    ]);
    return r?.ok === true;
  }

  /** The tenant a job belongs to ('default' for jobs from before tenants). */
  async tenantOf(tx: SqlExecutor, jobId: string): Promise<string> {
    const r = await tx.get<{ tenant_id: string | null }>('SELECT tenant_id FROM jobs WHERE id = ?', [jobId]);
    return r?.tenant_id ?? 'default';
  }

  async hold(tx: SqlExecutor, leaseId: string, jobId: string, amount: number): Promise<void> {
    await tx.run('INSERT INTO price_holds (lease_id, job_id, amount) VALUES (?, ?, ?)', [
      leaseId,
      jobId,
      amount,
    ]);
  }

  /** Holds whose lease is closed: released already (they no longer count), deleted to keep the table small. */
  async dropClosedHolds(tx: SqlExecutor, jobId: string): Promise<void> {
    await tx.run(
      `DELETE FROM price_holds WHERE job_id = ? AND NOT EXISTS
         (SELECT 1 FROM urls u WHERE u.lease_id = price_holds.lease_id AND u.state = 'leased')`,
      [jobId],
    );
  }

  /**
   * A capture's charge, in ingest's transaction: spent grows by what the site charged and the lease's hold
   * goes (the ledger's debit of the tenant is the rewards feature's part, through ingest's hook).
   */
  /** settle() of leases whose captures the sites charged nothing for: their holds go, in one statement. */
  async dropHolds(tx: SqlExecutor, leaseIds: readonly string[]): Promise<void> {
    await inChunks(tx, leaseIds, (chunk) => [
      `DELETE FROM price_holds WHERE lease_id IN (${marks(chunk.length)})`,
      [...chunk],
    ]);
  }

  async settle(tx: SqlExecutor, leaseId: string, jobId: string, charged: number): Promise<void> {
    await tx.run('DELETE FROM price_holds WHERE lease_id = ?', [leaseId]);
    if (charged > 0)
      await tx.run('UPDATE job_payments SET spent = spent + ? WHERE job_id = ?', [charged, jobId]);
  }
}
