import type { CrawlOptions } from '../crawl/job-options.js';
import { CoordinatorError } from '../errors.js';
import type { Principal } from '../store/auth-store.js';
import { DAY_MS, MINUTE_MS, windowStart } from '../store/quota-store.js';
import type { Store } from '../store/store.js';
import type { Job } from '../store/types.js';

/** How long a tenant at its running-jobs limit is asked to wait: a job's end cannot be foreseen. */
const JOBS_RETRY_S = 30;

const secondsLeft = (win: number, size: number, now: number) =>
  Math.max(1, Math.ceil((win + size - now) / 1000));

/**
 * Per-key request rate, counted in the database (quota_usage) so that every replica on one PostgreSQL
 * counts the same requests: a key cannot multiply its rate by the number of replicas. Over the limit:
 * 429 with Retry-After, the seconds left in the current UTC minute.
 */
export function requestRate(store: Store): (p: Principal) => Promise<void> {
  let pruned = 0;
  return async (p) => {
    const limit = p.requestsPerMinute ?? store.frontier.config.quotas.requestsPerMinute;
    if (limit <= 0) return;
    const now = Date.now();
    const win = windowStart(now, MINUTE_MS);
    if (win > pruned) {
      pruned = win;
      await store.quotas.prune('requests', win - MINUTE_MS);
    }
    if (await store.quotas.takeUnflushed(p.keyId, 'requests', win, limit)) return;
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
    if ((await store.quotas.used(p.keyId, 'pages', day)) >= pagesPerDay)
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
