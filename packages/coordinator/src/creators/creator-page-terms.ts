import type { ReceiptCreatorTerms } from '@sward/core';
import type { CreatorPageAnswer, CreatorPageTerms } from '../ingest/ingest-hooks.js';
import type { CreatorTermsHook, LeaseCreatorTerms } from '../scheduler/lease-scheduler.js';
import { inChunks, marks } from '../store/multi-row.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { Creators } from './creators-service.js';
import { chargeForPages, type PageChargeLedger } from './page-charges.js';
import { parseStoredTerms } from './stored-terms.js';

/**
 * Creators' terms along one page's way: the scheduler reads the terms in force for its host and records the
 * version its lease goes out under (cr_lease_terms); ingest puts that version in the capture's rights receipt
 * and, once the page is stored, charges its price (page-charges.ts). The lease's version, not the one in force
 * when the capture arrives, is the one the page was fetched under and whose price the budget held.
 */
export class CreatorPageFlow implements CreatorTermsHook, CreatorPageTerms {
  // The first round comes everyMs after start, not at the first claim: an idle long-poll stays one claim.
  private lastSweep = Date.now();

  constructor(
    private readonly creators: Creators,
    /** Null: the scheduler's side only (tests and tools that lease without ingesting). */
    private readonly rewards: PageChargeLedger | null = null,
    private readonly sweepOpts: LeaseTermsSweep = {},
  ) {}

  forHost(tx: SqlExecutor, host: string): Promise<LeaseCreatorTerms | null> {
    return this.creators.termsForHost(host, tx);
  }

  async leased(tx: SqlExecutor, leaseId: string, terms: LeaseCreatorTerms): Promise<void> {
    await tx.run('INSERT INTO cr_lease_terms (lease_id, domain, version, created_at) VALUES (?, ?, ?, ?)', [
      leaseId,
      terms.domain,
      terms.version,
      Date.now(),
    ]);
  }

  async termsOfLease(ex: SqlExecutor, leaseId: string): Promise<ReceiptCreatorTerms | null> {
    return (await this.termsOfLeases(ex, [leaseId])).get(leaseId) ?? null;
  }

  async termsOfLeases(
    ex: SqlExecutor,
    leaseIds: readonly string[],
  ): Promise<Map<string, ReceiptCreatorTerms>> {
    const rows = await inChunks<string, { lease_id: string; domain: string; version: number; terms: string }>(
      ex,
      [...new Set(leaseIds)],
      (chunk) => [
        `SELECT l.lease_id, l.domain, l.version, t.terms FROM cr_lease_terms l
         JOIN cr_terms t ON t.domain = l.domain AND t.version = l.version WHERE l.lease_id IN (${marks(chunk.length)})`,
        [...chunk],
      ],
    );
    return new Map(
      rows.map((r) => {
        const t = parseStoredTerms(r.terms);
        return [
          r.lease_id,
          {
            domain: r.domain,
            version: Number(r.version),
            license: t.license,
            purposes: t.purposes,
            pricePer1000PagesUsd: t.pricePer1000PagesUsd,
            royaltyShare: t.royaltyShare,
          },
        ];
      }),
    );
  }

  async answered(tx: SqlExecutor, a: CreatorPageAnswer): Promise<number> {
    await this.leaseClosed(tx, a.leaseId);
    if (!a.stored || !this.rewards) return 0;
    // Once per job and final URL: a direct fetch replacing a capture that reached the URL through a redirect
    // is the same page of the same job, already paid for (the replaced capture keeps its charge row).
    if (
      a.replaces &&
      (await tx.get("SELECT 1 AS x FROM cr_page_charges WHERE ref = 'crawl' AND capture_id = ?", [
        a.replaces,
      ]))
    )
      return 0;
    const r = await chargeForPages(tx, this.rewards, {
      customer: a.customer,
      ref: 'crawl',
      pages: [
        {
          captureId: a.captureId,
          nodeId: a.nodeId,
          domain: a.terms.domain,
          version: a.terms.version,
          purpose: a.purpose,
        },
      ],
    });
    return r.charged;
  }

  async leaseClosed(tx: SqlExecutor, leaseId: string): Promise<void> {
    await tx.run('DELETE FROM cr_lease_terms WHERE lease_id = ?', [leaseId]);
  }

  /**
   * Deletes the terms rows of leases closed by paths that do not pass ingest (expired, handed back, taken
   * back from a silent or revoked node), once they are older than `keepMs`: a row whose URL no longer
   * carries its lease open can never be read again (a capture for it is refused as LEASE_NOT_HELD). Runs at
   * most once every `everyMs` per process, in its own short transaction; on PostgreSQL one replica at a time
   * (a try-lock: the others skip the round), so two sweeps never delete the same rows in different orders.
   * Returns how many rows went.
   */
  async sweep(db: SqlDriver, now = Date.now()): Promise<number> {
    const everyMs = this.sweepOpts.everyMs ?? 60_000;
    if (now - this.lastSweep < everyMs) return 0;
    this.lastSweep = now;
    const keepMs = this.sweepOpts.keepMs ?? 15 * 60_000;
    return db.transaction(async (tx) => {
      if (db.dialect === 'postgres') {
        const lock = await tx.get<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(7290041) AS ok');
        if (lock?.ok !== true) return 0;
      }
      const r = await tx.run(
        `DELETE FROM cr_lease_terms WHERE created_at < ? AND NOT EXISTS
           (SELECT 1 FROM urls u WHERE u.lease_id = cr_lease_terms.lease_id AND u.state = 'leased')`,
        [now - keepMs],
      );
      return r.changes;
    });
  }
}

/** How often closed leases' terms rows are swept, and how old they must be (CreatorPageFlow.sweep). */
export interface LeaseTermsSweep {
  /** Default 60 s. */
  everyMs?: number;
  /** Default 15 min. */
  keepMs?: number;
}
