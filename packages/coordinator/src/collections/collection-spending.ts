import {
  type CollectionCharge,
  type CollectionSpending,
  type CrawlOptions,
  decimalMicros,
  microsDecimal,
} from '@sward/core';
import { CoordinatorError } from '../errors.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { CollectionOptions } from './collection-options.js';

/** A budget needs the most one page may cost, as a crawl's does. */
export function checkPricing(maxPrice: string | null, budget: string | null): void {
  if (budget !== null && maxPrice === null)
    throw new CoordinatorError('BAD_REQUEST', 'budget needs maxPrice (the most one page may cost)');
}

/**
 * What the collection's refreshes have spent: the sum over their jobs of what captures settled (creators'
 * prices and sites' charges, payment-store.ts). Read from the jobs themselves, so no running figure can
 * drift from what was charged.
 */
export async function collectionSpent(ex: SqlExecutor, collectionId: string): Promise<number> {
  const r = await ex.get<{ spent: number | null }>(
    `SELECT SUM(p.spent) AS spent FROM job_payments p JOIN jobs j ON j.id = p.job_id
     WHERE j.collection_id = ?`,
    [collectionId],
  );
  return Number(r?.spent ?? 0);
}

/**
 * The money options of the refresh starting now. The budget is a running total across refreshes: this
 * refresh may spend what earlier ones left of it. Refreshes of one collection never overlap (the refresher
 * starts one only once the last is done, claiming the collection's row), so earlier refreshes' spending is
 * final here; within the refresh, the job's holds keep every node together inside what is left
 * (lease-access.ts).
 */
export async function refreshPayment(
  ex: SqlExecutor,
  collectionId: string,
  opts: Pick<CollectionOptions, 'maxPrice' | 'budget'>,
): Promise<Pick<CrawlOptions, 'maxPrice' | 'budget'>> {
  if (opts.maxPrice === null) return {};
  if (opts.budget === null) return { maxPrice: opts.maxPrice };
  const left = Math.max(0, (decimalMicros(opts.budget) ?? 0) - (await collectionSpent(ex, collectionId)));
  return { maxPrice: opts.maxPrice, budget: microsDecimal(left) };
}

export async function spendingOf(
  ex: SqlExecutor,
  collectionId: string,
  opts: Pick<CollectionOptions, 'maxPrice' | 'budget'>,
): Promise<CollectionSpending> {
  return {
    maxPrice: opts.maxPrice,
    budget: opts.budget,
    spent: microsDecimal(await collectionSpent(ex, collectionId)),
  };
}

/** The pages of claimed domains the collection's refreshes paid for (creators/page-charges.ts), newest first. */
export async function chargesOf(ex: SqlExecutor, collectionId: string): Promise<CollectionCharge[]> {
  const rows = await ex.all<Record<string, unknown>>(
    `SELECT ch.capture_id, c.final_url, c.job_id, ch.domain, ch.version, ch.price, ch.creator_micros,
       ch.operator_micros, ch.network_micros, ch.at
     FROM jobs j JOIN captures c ON c.job_id = j.id
     JOIN cr_page_charges ch ON ch.ref = 'crawl' AND ch.capture_id = c.id
     WHERE j.collection_id = ? ORDER BY ch.at DESC, c.seq DESC LIMIT 1000`,
    [collectionId],
  );
  const usd = (v: unknown) => microsDecimal(Number(v));
  return rows.map((r) => ({
    captureId: String(r.capture_id),
    url: String(r.final_url),
    jobId: String(r.job_id),
    domain: String(r.domain),
    version: Number(r.version),
    price: usd(r.price),
    creator: usd(r.creator_micros),
    operator: usd(r.operator_micros),
    network: usd(r.network_micros),
    at: new Date(Number(r.at)).toISOString(),
  }));
}
