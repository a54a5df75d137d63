/**
 * How long a poll of a long-running thing (a crawl job, a dataset build) waits before asking again: `intervalMs`
 * at first, then a twentieth of the time spent waiting so far, at most 2 s. Each job poll re-counts the job's rows
 * on the coordinator (its progress by state, reason and node): at a fixed 250 ms a job of 20,000 pages cost the
 * coordinator's main thread ~10 % for the whole crawl (docs/BENCHMARKS.md, session 18, cmain). Growing with the
 * wait keeps the end seen within ~5 % of the time waited, and a short job as quick as before.
 */
export function pollDelay(intervalMs: number, waitedMs: number): number {
  return Math.max(intervalMs, Math.min(POLL_DELAY_MAX_MS, Math.round(waitedMs / 20)));
}

export const POLL_DELAY_MAX_MS = 2_000;
