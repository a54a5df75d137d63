import type { CrawlOptions } from '@sward/core';
import { CoordinatorError } from '../errors.js';
import type { Principal } from '../store/auth-store.js';
import { DAY_MS, MINUTE_MS, windowStart } from '../store/quota-store.js';
import type { Store } from '../store/store.js';
import type { Job } from '../store/types.js';

/** How long a tenant at its running-jobs limit is asked to wait: a job's end cannot be foreseen. */
const JOBS_RETRY_S = 30;

/** The most requests a replica reserves at once for one key. */
const BLOCK_MAX = 50;

const secondsLeft = (win: number, size: number, now: number) =>
  Math.max(1, Math.ceil((win + size - now) / 1000));

/**
 * Per-key request rate, counted in the database (quota_usage) so that every replica on one PostgreSQL
 * counts against the same number: a key cannot multiply its rate by the number of replicas. A replica
 * reserves a key's requests in blocks of 1% of the limit, at most BLOCK_MAX (one row update per block, not per
 * request; a database write per request tripled a read's latency on PostgreSQL, docs/BENCHMARKS.md) and
 * spends the block locally. Reserved is counted, so the limit is never exceeded; a block a replica has not
 * spent by the window's end is lost, at most a block per replica. Over the limit: 429 with
 * Retry-After, the seconds left in the current UTC minute.
 */
export function requestRate(store: Store): (p: Principal) => Promise<void> {
  let current = 0;
  let reserved = new Map<string, number>();
  return async (p) => {
    const limit = p.requestsPerMinute ?? store.frontier.config.quotas.requestsPerMinute;
    if (limit <= 0) return;
    const now = Date.now();
    const win = windowStart(now, MINUTE_MS);
    if (win !== current) {
      current = win;
      reserved = new Map();
      await store.quotas.prune('requests', win - MINUTE_MS);
    }
    const left = reserved.get(p.quotaKey) ?? 0;
    if (left > 0) {
      reserved.set(p.quotaKey, left - 1);
      return;
    }
    const block = Math.min(BLOCK_MAX, Math.max(1, Math.floor(limit / 100)));
    if (await store.quotas.take(p.quotaKey, 'requests', win, limit, undefined, block)) {
      reserved.set(p.quotaKey, (reserved.get(p.quotaKey) ?? 0) + block - 1);
      return;
    }
    // The last few requests of the window, fewer than a block: one at a time.
    if (block > 1 && (await store.quotas.take(p.quotaKey, 'requests', win, limit))) return;
    throw new CoordinatorError('RATE_LIMITED', `this API key made its ${limit} requests for this minute`, {
      retryAfterS: secondsLeft(win, MINUTE_MS, now),
    });
  };
}

/**
 * A new crawl job within the key's pages for the day and the tenant's running jobs; otherwise 429 with
 * Retry-After (the seconds to the next UTC day, or JOBS_RETRY_S).
 */
export async function createJobWithinQuota(store: Store, p: Principal, opts: CrawlOptions): Promise<Job> {
  const q = store.frontier.config.quotas;
  const pagesPerDay = p.pagesPerDay ?? q.pagesPerDay;
  const now = Date.now();
  if (pagesPerDay > 0) {
    const day = windowStart(now, DAY_MS);
    if ((await store.quotas.used(p.quotaKey, 'pages', day)) >= pagesPerDay)
      throw new CoordinatorError(
        'RATE_LIMITED',
        `this API key has used its ${pagesPerDay} pages for today (UTC)`,
        { retryAfterS: secondsLeft(day, DAY_MS, now) },
      );
  }
  const r = await store.frontier.createJobWithin(
    { tenant: p.tenant, apiKeyId: p.keyId },
    opts,
    q.concurrentJobsPerTenant,
  );
  if ('job' in r) return r.job;
  throw new CoordinatorError(
    'RATE_LIMITED',
    `tenant ${p.tenant} already runs ${r.running} crawl jobs, its limit; wait for one to finish`,
    { retryAfterS: JOBS_RETRY_S },
  );
}
