// Where a crawl's pages wait, read after the job from the coordinator's own SQLite records (the bench adds
// nothing to the processes it measures): each stored page's queue time (urls.created_at), lease time
// (urls.lease_deadline − the lease's length), the node's signed fetchStart/fetchEnd, and when the
// coordinator stored its capture (captures.created_at). Averaged over the steady middle of the crawl, the
// stages say whether the 16 fetch slots are busy fetching (latency-bound: more in flight would help) or
// pages wait before and after their fetch (the machine's CPU: docs/BENCHMARKS.md, session 17, pace).
import { createRequire } from 'node:module';

/** One stored page's times, ms since the epoch (one machine's clock: coordinator and nodes share it here). */
export interface PageTimes {
  queued: number;
  leased: number;
  fetchStart: number;
  fetchEnd: number;
  stored: number;
}

export interface PageStages {
  /** The window: from the time a tenth of the pages were stored to the time nine tenths were. */
  windowMs: number;
  pagesPerS: number;
  /** Pages in each stage on average over the window (Little's law: rate × time in the stage). */
  mean: { leasedNotStarted: number; fetching: number; fetchedNotStored: number };
  /** Each stage's median and 90th percentile over all pages, ms. */
  p50Ms: { leasedNotStarted: number; fetching: number; fetchedNotStored: number };
  p90Ms: { leasedNotStarted: number; fetching: number; fetchedNotStored: number };
}

const STAGES = [
  ['leasedNotStarted', 'leased', 'fetchStart'],
  ['fetchedNotStored', 'fetchEnd', 'stored'],
  ['fetching', 'fetchStart', 'fetchEnd'],
] as const;

type StageName = (typeof STAGES)[number][0];

/** The stages' mean occupancy over the crawl's steady middle, and each stage's p50/p90. Null when too few pages. */
export function pageStages(pages: readonly PageTimes[]): PageStages | null {
  if (pages.length < 20) return null;
  const storedAt = pages.map((p) => p.stored).sort((a, b) => a - b);
  const from = storedAt[Math.floor(storedAt.length / 10)] as number;
  const to = storedAt[Math.floor((storedAt.length * 9) / 10)] as number;
  const windowMs = to - from;
  if (windowMs <= 0) return null;
  const overlap = (a: number, b: number) => Math.max(0, Math.min(b, to) - Math.max(a, from));
  const pick = (q: number, xs: number[]) => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] as number;
  const mean = {} as Record<StageName, number>;
  const p50Ms = {} as Record<StageName, number>;
  const p90Ms = {} as Record<StageName, number>;
  for (const [name, a, b] of STAGES) {
    mean[name] = +(pages.reduce((n, p) => n + overlap(p[a], p[b]), 0) / windowMs).toFixed(1);
    const ms = pages.map((p) => p[b] - p[a]).sort((x, y) => x - y);
    p50Ms[name] = pick(0.5, ms);
    p90Ms[name] = pick(0.9, ms);
  }
  const inWindow = storedAt.filter((t) => t >= from && t < to).length;
  return { windowMs, pagesPerS: Math.round((inWindow * 1000) / windowMs), mean, p50Ms, p90Ms };
}

/**
 * The stored pages of `jobId` from a coordinator's SQLite file (read-only: the coordinator may still have it
 * open). `leaseMs`: the coordinator's lease length (its default, 60 s, unless the bench set another), which
 * the lease's deadline minus gives the time it was leased.
 */
export function readPageTimes(dbFile: string, jobId: string, leaseMs: number): PageTimes[] {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT u.created_at AS queued, u.lease_deadline AS deadline, c.signed AS signed, c.created_at AS stored
           FROM captures c JOIN urls u ON u.id = c.url_id
          WHERE c.job_id = ? AND c.outcome = 'stored' AND u.kind = 'page'`,
      )
      .all(jobId) as { queued: number; deadline: number; signed: string; stored: number }[];
    return rows.map((r) => {
      const c = (JSON.parse(r.signed) as { capture: { fetchStart: string; fetchEnd: string } }).capture;
      return {
        queued: Number(r.queued),
        leased: Number(r.deadline) - leaseMs,
        fetchStart: Date.parse(c.fetchStart),
        fetchEnd: Date.parse(c.fetchEnd),
        stored: Number(r.stored),
      };
    });
  } finally {
    db.close();
  }
}
