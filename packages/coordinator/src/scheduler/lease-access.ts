import { type CrawlOptions, decimalMicros, formatPrice, JOB_CURRENCY, type LeaseAccess } from '@sward/core';
import type { PaymentStore } from '../store/payment-store.js';
import type { SqlExecutor } from '../store/sql-driver.js';

/** What a page lease may pay and which licence token it carries; `hold` is reserved against the budget. */
export interface LeaseAccessPlan {
  access: LeaseAccess;
  hold: number;
}

/** A page that is not leased for its price: the skip's reason and detail. */
export interface LeaseAccessRefusal {
  skip: 'creator:price-above-max' | 'creator:budget-exhausted';
  detail: string;
}

/**
 * Decides, for one page lease, the most its node may pay (`crawler-max-price`) and the licence token it
 * sends, and reserves that price against the job's budget before the lease goes out, so that spend can
 * never pass the budget however many nodes fetch at once: the price is held while the lease is open and
 * settled by the capture (payment-store.ts). When less than the ceiling is left, the lease waits for open
 * holds to settle; with none open, what is left is offered (possibly nothing), and a site asking more is
 * recorded as `budget_exhausted` from its signed 402. One instance per claim.
 *
 * A page of a claimed domain whose owner set a price (`creatorPrice`, micro-USD a page) costs that price on
 * top of what the site asks: the two together stay within --max-price (the site is offered what is left of
 * it) and are held together against the budget, so creators' charges are bounded by the budget the same
 * way. A job without --max-price, or with one below the creator's price, does not lease the page (skipped
 * as `creator:price-above-max`); with a budget too small for it and nothing held, `creator:budget-exhausted`.
 */
export class LeaseAccessPlanner {
  /**
   * `tokens`: each job's licence tokens by origin, shared across claims (the scheduler's): they are written
   * with the job, in its creating transaction, and never change, so a job's are read once, not per claim.
   */
  constructor(
    private readonly payments: PaymentStore,
    private readonly tokens: Map<string, Map<string, string>> = new Map(),
  ) {}

  /** The plan for `url` of job `jobId`, or 'wait' to leave the URL queued for a later claim. */
  async plan(
    tx: SqlExecutor,
    jobId: string,
    url: string,
    opts: Pick<CrawlOptions, 'maxPrice' | 'budget'>,
    creatorPrice = 0,
  ): Promise<LeaseAccessPlan | LeaseAccessRefusal | 'wait'> {
    let tokens = this.tokens.get(jobId);
    if (!tokens) {
      tokens = await this.payments.licenseTokens(tx, jobId);
      if (this.tokens.size >= 1000) this.tokens.clear();
      this.tokens.set(jobId, tokens);
    }
    const access: LeaseAccess = {};
    const origin = new URL(url).origin;
    const token = tokens.get(origin);
    if (token) Object.assign(access, { licenseOrigin: origin, licenseToken: token });
    const max = opts.maxPrice === undefined ? null : decimalMicros(opts.maxPrice);
    if (creatorPrice > 0 && (max === null || creatorPrice > max))
      return {
        skip: 'creator:price-above-max',
        detail: `the domain's owner asks ${usd(creatorPrice)} a page; the job's --max-price is ${max === null ? 'not set' : usd(max)}`,
      };
    if (max === null) return { access, hold: 0 };
    // What the site may still be offered once the creator's price is paid.
    const siteMax = max - creatorPrice;
    if (opts.budget === undefined) return { access: { ...access, maxPrice: usd(siteMax) }, hold: 0 };
    if (!(await this.payments.tryLockBudget(tx, jobId))) return 'wait';
    await this.payments.dropClosedHolds(tx, jobId);
    const b = await this.payments.budgetOf(tx, jobId);
    if (!b || b.budget === null) return { access: { ...access, maxPrice: usd(siteMax) }, hold: 0 };
    const left = Math.max(0, b.budget - b.spent - b.held);
    // Less than a page's ceiling left while other leases hold money: their answers may give some back.
    if (left < max && b.held > 0) return 'wait';
    if (left < creatorPrice)
      return {
        skip: 'creator:budget-exhausted',
        detail: `the domain's owner asks ${usd(creatorPrice)} a page; ${usd(left)} is left of the job's budget`,
      };
    const offer = Math.min(siteMax, left - creatorPrice);
    return { access: { ...access, maxPrice: usd(offer) }, hold: creatorPrice + offer };
  }
}

const usd = (micros: number) => formatPrice({ currency: JOB_CURRENCY, micros });
