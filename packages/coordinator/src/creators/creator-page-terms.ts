import type { ReceiptCreatorTerms, UsagePurpose } from '@sward/core';
import type { CreatorPageTerms } from '../ingest/ingest-hooks.js';
import type { CreatorTermsHook, LeaseCreatorTerms } from '../scheduler/lease-scheduler.js';
import type { SqlExecutor } from '../store/sql-driver.js';
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
  constructor(
    private readonly creators: Creators,
    /** Null: the scheduler's side only (tests and tools that lease without ingesting). */
    private readonly rewards: PageChargeLedger | null = null,
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
    const r = await ex.get<{ domain: string; version: number; terms: string }>(
      `SELECT l.domain, l.version, t.terms FROM cr_lease_terms l
       JOIN cr_terms t ON t.domain = l.domain AND t.version = l.version WHERE l.lease_id = ?`,
      [leaseId],
    );
    if (!r) return null;
    const t = parseStoredTerms(r.terms);
    return {
      domain: r.domain,
      version: Number(r.version),
      license: t.license,
      purposes: t.purposes,
      pricePer1000PagesUsd: t.pricePer1000PagesUsd,
      royaltyShare: t.royaltyShare,
    };
  }

  async answered(
    tx: SqlExecutor,
    a: {
      leaseId: string;
      captureId: string;
      nodeId: string;
      customer: string;
      purpose: UsagePurpose;
      terms: ReceiptCreatorTerms;
      stored: boolean;
    },
  ): Promise<number> {
    await tx.run('DELETE FROM cr_lease_terms WHERE lease_id = ?', [a.leaseId]);
    if (!a.stored || !this.rewards) return 0;
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
}
