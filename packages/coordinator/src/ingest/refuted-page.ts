import type { Capture } from '@sward/core';
import { EXTRACTOR } from '@sward/extract/light';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { Store } from '../store/store.js';
import type { CaptureRow } from '../store/types.js';
import { pageVerdict } from './page-verdict.js';

/**
 * A capture a spot check's tie-break proved false leaves the job's outputs, and the URL it answered gets
 * the tie-breaker's capture instead: a fetch of the same URL by a node of a third operator that agreed with
 * the first checker's. That capture is judged like any page (a 404 or a noai answer settles the URL as it
 * would have for a first fetch). Without this, a liar's URL (for example /a/0 claimed to redirect to a page
 * it forged) would end the crawl with no page at all, because the check usually lands after the job is done.
 * Collections keep their own versions and are left alone.
 */
export async function replaceRefutedPage(
  tx: SqlExecutor,
  store: Store,
  refuted: CaptureRow,
  check: { captureId: string; capture: Capture; body: Buffer; finalUrl: string },
): Promise<void> {
  const { captures, frontier } = store;
  const page = await captures.pageUrlOf(tx, refuted.id);
  await captures.refute(tx, refuted.id, check.captureId);
  if (!page) return;
  let stored = refuted.outcome === 'stored' ? -1 : 0;
  const why = `capture ${refuted.id} was proved false by spot check capture ${check.captureId}`;
  if (page.state === 'stored' || (page.state === 'skipped' && page.reason === 'duplicate')) {
    const verdict = await pageVerdict(check.capture, check.body);
    if (verdict.outcome === 'stored' && !verdict.feed) {
      const other = await captures.storedWithFinalUrl(tx, page.jobId, check.finalUrl);
      if (other) {
        await frontier.settle(tx, page.id, 'skipped', 'duplicate', `${why}; ${other.id} holds its final URL`);
      } else {
        await captures.adopt(
          tx,
          check.captureId,
          { urlId: page.id, jobId: page.jobId },
          `replaces ${refuted.id}`,
        );
        await frontier.settle(tx, page.id, 'stored', null, why, check.captureId);
        if (verdict.document)
          await captures.insertDocument(tx, check.captureId, page.jobId, {
            ...verdict.document,
            extractor: EXTRACTOR,
          });
        stored += 1;
      }
    } else {
      const state = verdict.outcome === 'skipped' ? 'skipped' : 'failed';
      const reason = 'reason' in verdict ? verdict.reason : 'not_modified';
      const detail = 'detail' in verdict ? `${verdict.detail}; ${why}` : why;
      await frontier.settle(tx, page.id, state, reason, detail, check.captureId);
    }
  }
  if (stored !== 0) await tx.run('UPDATE jobs SET stored = stored + ? WHERE id = ?', [stored, page.jobId]);
}
