import { type Capture, normalizeUrl } from '@sward/core';
import { crawlScope } from '../crawl/scope.js';
import type { SpotChecks } from '../spot-check/spot-checks.js';
import type { NewCapture } from '../store/capture-store.js';
import type { NewUrl } from '../store/frontier-store.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { Store } from '../store/store.js';
import type { Job, LeaseRow } from '../store/types.js';
import { chargedMicros } from './access-verdict.js';
import type { CaptureLedger } from './ingest-hooks.js';
import type { PageVerdict } from './page-verdict.js';

/** A checked page capture of a crawl, as the batch commit needs it. */
export interface PlainPage {
  l: LeaseRow;
  c: Capture;
  verdict: PageVerdict;
  captureId: string;
  signed: string;
  job: Job | null;
  creator: unknown;
}

/**
 * Whether a page capture can be committed with the batch's multi-row statements: a crawl's page (not a live
 * collection's, whose index changes with it), that no site or creator charged for, answered for good (a
 * `retry` requeues its URL), with no document made in the capture's transaction. Everything else (and a page
 * whose final URL was stored before: a duplicate or a replacement) is committed alone, as before.
 */
export function isPlain(p: PlainPage): boolean {
  return (
    p.l.kind === 'page' &&
    p.job !== null &&
    p.job.collectionId === null &&
    p.creator === null &&
    chargedMicros(p.c) === 0 &&
    p.verdict.outcome !== 'retry' &&
    !(p.verdict.outcome === 'stored' && (p.verdict.document || p.verdict.feed))
  );
}

/** The final URL a page is stored under (the key of captures_stored_once). */
export function finalUrlOf(c: Capture): string {
  return normalizeUrl(c.finalUrl) ?? c.finalUrl;
}

/**
 * Records a batch of plain pages (isPlain, leases checked under lock, no final URL stored before nor twice
 * in the batch) with one statement per table: URL rows settled, captures, work points, price holds, job
 * counters, redirect targets, links, spot-check draws, the extraction queue, the origins freed. The same
 * rows as committing each page alone (Ingest.commitPageIn), in the caller's transaction.
 */
export async function commitPlainPages(
  tx: SqlExecutor,
  deps: { store: Store; rewards: CaptureLedger; spotChecks: SpotChecks; now: number },
  pages: readonly PlainPage[],
): Promise<{ captureId: string; outcome: string; reason: string | null }[]> {
  const { store, rewards, spotChecks, now } = deps;
  const rows = pages.map((p) => {
    const v = p.verdict;
    const reason = 'reason' in v ? v.reason : null;
    const detail = 'detail' in v ? v.detail : null;
    return { p, outcome: v.outcome as NewCapture['outcome'], reason, detail, finalUrl: finalUrlOf(p.c) };
  });
  await store.frontier.settleMany(
    tx,
    rows.map((r) =>
      r.outcome === 'unchanged'
        ? { id: r.p.l.id, state: 'stored', reason: 'not_modified', detail: null, captureId: r.p.captureId }
        : {
            id: r.p.l.id,
            state: r.outcome as 'stored' | 'skipped' | 'failed',
            reason: r.reason,
            detail: r.detail,
            captureId: r.p.captureId,
          },
    ),
  );
  await store.captures.insertMany(
    tx,
    rows.map(({ p, outcome, reason, finalUrl }) => ({
      id: p.captureId,
      jobId: p.l.jobId,
      urlId: p.l.id,
      nodeId: p.c.nodeId,
      leaseId: p.c.leaseId,
      requestedUrl: p.c.requestedUrl,
      finalUrl,
      status: p.c.status,
      contentType: p.c.headers['content-type'] ?? null,
      bodySha256: p.c.bodySha256,
      bodyLength: p.c.bodyLength,
      fetchedAt: Date.parse(p.c.fetchEnd),
      signed: p.signed,
      outcome,
      reason,
    })),
  );
  // Work points in the same transaction: an accepted capture is paid exactly once.
  await rewards.recordCaptures(
    tx,
    rows.map(({ p, outcome }) => ({
      captureId: p.captureId,
      nodeId: p.c.nodeId,
      bytes: p.c.bodyLength,
      outcome,
    })),
  );
  // Nothing was charged: each lease's hold goes, as PaymentStore.settle(…, 0) does. Only a job with a budget
  // holds money for its leases (scheduler/lease-access.ts); the others have no hold to drop.
  await store.payments.dropHolds(
    tx,
    rows.filter((r) => r.p.job?.options.budget !== undefined).map((r) => r.p.c.leaseId),
  );
  const stored = rows.filter((r) => r.outcome === 'stored');
  const byJob = new Map<string, typeof stored>();
  for (const r of stored) byJob.set(r.p.l.jobId, [...(byJob.get(r.p.l.jobId) ?? []), r]);
  for (const [jobId, list] of byJob)
    await tx.run('UPDATE jobs SET stored = stored + ? WHERE id = ?', [list.length, jobId]);
  // The final URL of a redirect chain is now stored: marked seen so it is never fetched again.
  await store.frontier.markStoredViaRedirect(
    tx,
    stored
      .filter((r) => r.finalUrl !== r.p.l.url)
      .map((r) => ({ jobId: r.p.l.jobId, url: r.finalUrl, depth: r.p.l.depth, from: r.p.l.url })),
  );
  for (const [jobId, list] of byJob) await store.frontier.enqueue(tx, jobId, links(list.map((r) => r.p)));
  // A page served for the job's licence token is not drawn for a spot check (see Ingest.commitPageIn).
  await spotChecks.maybeScheduleMany(
    tx,
    stored
      .filter((r) => !r.p.c.access?.license)
      .map((r) => ({ id: r.p.captureId, nodeId: r.p.c.nodeId, url: r.p.l.url })),
  );
  await store.extractQueue.addMany(
    tx,
    stored
      .filter((r) => r.p.verdict.outcome === 'stored' && r.p.verdict.extractLater)
      .map((r) => ({ captureId: r.p.captureId, jobId: r.p.l.jobId })),
  );
  await store.frontier.releaseHosts(
    tx,
    rows.map((r) => r.p.l.origin),
    now,
  );
  return rows.map((r) => ({ captureId: r.p.captureId, outcome: r.outcome, reason: r.reason }));
}

/** The in-scope links of a job's stored pages, normalised, each once (its first page's depth + 1). */
function links(pages: readonly PlainPage[]): NewUrl[] {
  const seen = new Set<string>();
  const next: NewUrl[] = [];
  for (const p of pages) {
    const job = p.job as Job;
    if (p.verdict.outcome !== 'stored' || p.l.depth + 1 > job.options.maxDepth) continue;
    const inScope = crawlScope(job.options);
    for (const link of p.verdict.links) {
      const u = normalizeUrl(link);
      if (!u || seen.has(u) || !inScope(u)) continue;
      seen.add(u);
      next.push({ url: u, depth: p.l.depth + 1 });
    }
  }
  return next;
}
