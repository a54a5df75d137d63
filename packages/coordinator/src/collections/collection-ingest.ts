import type { ExtractedDocument } from '@sward/extract';
import type { FeedEntry } from '../ingest/feed-expand.js';
import type { CollectionAnswer, CollectionAnswers } from '../ingest/ingest-hooks.js';
import type { FrontierStore, NewUrl } from '../store/frontier-store.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { Lease, LeaseRow } from '../store/types.js';
import type { ChunkIndex } from './chunk-index.js';
import { type Chunk, chunkDocument, chunkMarkdown } from './chunker.js';
import { type CollectionOptions, collectionOptions } from './collection-options.js';

/** Sitemap indexes may nest; deeper than this is a loop or a mistake. */
const MAX_FEED_DEPTH = 3;

/** Validators of the version a collection holds (its page, else its feed), for a conditional request. */
export async function heldValidators(
  tx: SqlExecutor,
  collectionId: string,
  url: string,
): Promise<Lease['conditional']> {
  type Row = { etag: string | null; last_modified: string | null };
  const r =
    (await tx.get<Row>(
      'SELECT etag, last_modified FROM collection_pages WHERE collection_id = ? AND url = ?',
      [collectionId, url],
    )) ??
    (await tx.get<Row>(
      'SELECT etag, last_modified FROM collection_feeds WHERE collection_id = ? AND url = ?',
      [collectionId, url],
    ));
  if (!r || (!r.etag && !r.last_modified)) return undefined;
  return {
    ...(r.etag ? { etag: r.etag } : {}),
    ...(r.last_modified ? { lastModified: r.last_modified } : {}),
  };
}

/**
 * Keeps a live collection's index in step with what its refresh fetched, inside ingest's transaction: a
 * feed or sitemap queues its entries, a page is chunked and indexed (or kept, when its text did not
 * change), a 304 only confirms the page, and a page that is gone or opted out leaves the index. Every
 * change is recorded for the refresh's webhook and the freshness figures.
 */
export class CollectionIngest implements CollectionAnswers {
  constructor(
    private readonly frontier: FrontierStore,
    private readonly chunks: ChunkIndex,
  ) {}

  async onAnswer(tx: SqlExecutor, a: CollectionAnswer): Promise<void> {
    const opts = await collectionOptions(tx, a.collectionId);
    if (!opts) return; // deleted while the refresh was running
    const { lease: l, verdict } = a;
    const now = Date.now();
    const failed = ['failed', 'retry', 'skipped'].includes(a.outcome);
    await this.noteSource(tx, a.collectionId, l.url, failed ? errorOf(a) : null, now);
    if (verdict.outcome === 'stored' && a.outcome === 'stored' && verdict.feed) {
      const feed = verdict.feed;
      const entries = feed.entries.map((e) => ({ url: e.url, updated: e.updated }));
      await tx.run(
        `INSERT INTO collection_feeds (collection_id, url, kind, etag, last_modified, entries, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (collection_id, url) DO UPDATE SET kind = excluded.kind, etag = excluded.etag,
           last_modified = excluded.last_modified, entries = excluded.entries, fetched_at = excluded.fetched_at`,
        [
          a.collectionId,
          l.url,
          feed.kind,
          a.capture.headers.etag ?? null,
          a.capture.headers['last-modified'] ?? null,
          JSON.stringify(entries),
          now,
        ],
      );
      await tx.run('UPDATE collection_sources SET kind = ? WHERE collection_id = ? AND url = ?', [
        feed.kind === 'rss' || feed.kind === 'atom' ? 'feed' : 'sitemap',
        a.collectionId,
        l.url,
      ]);
      await this.queueEntries(tx, l, feed.kind === 'sitemap-index', entries, opts);
      return;
    }
    // A held feed unchanged, or unreachable this time: its last entries stand, so its pages stay.
    if (
      (a.outcome === 'unchanged' || a.outcome === 'failed') &&
      (await this.queueHeldEntries(tx, a.collectionId, l, opts))
    )
      return;
    if (a.outcome === 'unchanged') {
      await tx.run(
        `UPDATE collection_pages SET checked_at = ?, etag = COALESCE(?, etag),
           last_modified = COALESCE(?, last_modified) WHERE collection_id = ? AND url = ?`,
        [
          now,
          a.capture.headers.etag ?? null,
          a.capture.headers['last-modified'] ?? null,
          a.collectionId,
          l.url,
        ],
      );
      return;
    }
    if (verdict.outcome === 'stored' && a.outcome === 'stored') {
      const chunks = this.chunk(verdict.document, a, opts);
      if (chunks === null) {
        await this.remove(tx, a.collectionId, l.url, a.lease.jobId, 'unsupported content', now);
        return;
      }
      await this.index(tx, a, chunks, verdict.document?.language ?? null, now);
      return;
    }
    // Gone (404/410), opted out (noai, TDMRep) or a second URL for an already held page: not in the index.
    const gone = a.outcome === 'failed' && /^http_(404|410)$/.test(a.reason ?? '');
    if (gone || a.outcome === 'skipped')
      await this.remove(tx, a.collectionId, l.url, l.jobId, a.reason ?? a.outcome, now);
  }

  /** A node could not fetch it at all (after retries): a feed's last entries stand, the error is shown. */
  async onFailure(
    tx: SqlExecutor,
    collectionId: string,
    l: LeaseRow,
    reason: string,
    message: string,
  ): Promise<void> {
    const opts = await collectionOptions(tx, collectionId);
    if (!opts) return;
    await this.noteSource(tx, collectionId, l.url, `${reason}: ${message}`, Date.now());
    await this.queueHeldEntries(tx, collectionId, l, opts);
  }

  /** Queues the last entries of the feed held at the lease's URL; false when no feed is held there. */
  private async queueHeldEntries(
    tx: SqlExecutor,
    collectionId: string,
    l: LeaseRow,
    opts: CollectionOptions,
  ): Promise<boolean> {
    const held = await tx.get<{ kind: string; entries: string }>(
      'SELECT kind, entries FROM collection_feeds WHERE collection_id = ? AND url = ?',
      [collectionId, l.url],
    );
    if (!held) return false;
    const entries = JSON.parse(held.entries) as Pick<FeedEntry, 'url' | 'updated'>[];
    await this.queueEntries(tx, l, held.kind === 'sitemap-index', entries, opts);
    return true;
  }

  /** Queues a feed's pages (or a sitemap index's sitemaps) in this refresh, up to the collection's page cap. */
  private async queueEntries(
    tx: SqlExecutor,
    l: LeaseRow,
    childFeeds: boolean,
    entries: readonly Pick<FeedEntry, 'url' | 'updated'>[],
    opts: CollectionOptions,
  ): Promise<void> {
    if (childFeeds) {
      if (l.depth + 1 > MAX_FEED_DEPTH) return;
      const urls: NewUrl[] = entries.map((e) => ({ url: e.url, depth: l.depth + 1, kind: 'feed' }));
      await this.frontier.enqueue(tx, l.jobId, urls);
      return;
    }
    const have = await tx.get<{ n: number }>(
      "SELECT count(*) AS n FROM urls WHERE job_id = ? AND kind = 'page'",
      [l.jobId],
    );
    const room = opts.maxPages - Number(have?.n ?? 0);
    if (room <= 0) return;
    const urls: NewUrl[] = entries.slice(0, room).map((e) => ({ url: e.url, depth: l.depth + 1 }));
    await this.frontier.enqueue(tx, l.jobId, urls);
  }

  /** The page's chunks: Markdown of an HTML page, or the text of a plain-text one; null if neither. */
  private chunk(doc: ExtractedDocument | null, a: CollectionAnswer, opts: CollectionOptions): Chunk[] | null {
    const chunkOpts = { size: opts.chunkSize, overlap: opts.chunkOverlap };
    if (doc) return chunkDocument(doc, chunkOpts);
    const type = a.capture.headers['content-type'] ?? '';
    if (/^text\/(plain|markdown)/i.test(type)) return chunkMarkdown(a.body.toString('utf8'), chunkOpts);
    return null;
  }

  private async index(
    tx: SqlExecutor,
    a: CollectionAnswer,
    chunks: Chunk[],
    lang: string | null,
    now: number,
  ): Promise<void> {
    const { collectionId, lease: l } = a;
    if (!chunks.length) {
      await this.remove(tx, collectionId, l.url, l.jobId, 'no text', now);
      return;
    }
    const held = await tx.get<{ content_hash: string; checked_at: number | null }>(
      'SELECT content_hash, checked_at FROM collection_pages WHERE collection_id = ? AND url = ?',
      [collectionId, l.url],
    );
    const existed = !!held?.content_hash;
    // When we last looked: a change dated before that happened before we were watching, so it says
    // nothing about our freshness (a page published a year ago and first listed today is not a year late).
    const lookedAt = existed
      ? Number(held?.checked_at ?? 0)
      : Number(
          (
            await tx.get<{ t: number | null }>(
              'SELECT max(started_at) AS t FROM collection_rounds WHERE collection_id = ? AND job_id <> ?',
              [collectionId, l.jobId],
            )
          )?.t ?? Number.POSITIVE_INFINITY,
        );
    const source = await tx.get<{ id: string; kind: string }>(
      'SELECT id, kind FROM collection_sources WHERE collection_id = ? AND url = ?',
      [collectionId, l.url],
    );
    // a source that looked like a feed answered with a page: it is a page from now on
    if (source && source.kind !== 'page')
      await tx.run("UPDATE collection_sources SET kind = 'page' WHERE id = ?", [source.id]);
    const r = await this.chunks.replacePage(tx, collectionId, l.url, chunks, {
      fetchedAt: Date.parse(a.capture.fetchEnd),
      captureId: a.captureId,
      sourceId: source?.id ?? null,
      lang,
      domain: hostOf(a.capture.finalUrl) || undefined,
    });
    const lastModified = a.capture.headers['last-modified'] ?? null;
    await tx.run(
      `UPDATE collection_pages SET etag = ?, last_modified = ?, checked_at = ?,
         changed_at = CASE WHEN ? THEN ? ELSE COALESCE(changed_at, ?) END
       WHERE collection_id = ? AND url = ?`,
      [a.capture.headers.etag ?? null, lastModified, now, r.changed ? 1 : 0, now, now, collectionId, l.url],
    );
    if (r.changed) {
      const sourceTime = lastModified ? Date.parse(lastModified) : Number.NaN;
      // Last-Modified has one-second resolution: a change just after we looked may carry the second before
      const dated = Number.isFinite(sourceTime) && sourceTime >= lookedAt - 1000;
      await this.recordChange(
        tx,
        collectionId,
        l.jobId,
        l.url,
        existed ? 'changed' : 'added',
        null,
        dated ? sourceTime : null,
        now,
      );
    }
  }

  private async remove(
    tx: SqlExecutor,
    collectionId: string,
    url: string,
    jobId: string,
    reason: string,
    now: number,
  ): Promise<void> {
    if (await this.chunks.removePage(tx, collectionId, url))
      await this.recordChange(tx, collectionId, jobId, url, 'removed', reason, null, now);
  }

  async recordChange(
    tx: SqlExecutor,
    collectionId: string,
    jobId: string,
    url: string,
    change: 'added' | 'changed' | 'removed',
    reason: string | null,
    sourceChangedAt: number | null,
    now: number,
  ): Promise<void> {
    await tx.run(
      `INSERT INTO collection_changes (collection_id, job_id, url, change, reason, source_changed_at, detected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [collectionId, jobId, url, change, reason, sourceChangedAt, now],
    );
  }

  /** A named source's last answer: when, and its error (null when it answered). */
  private async noteSource(
    tx: SqlExecutor,
    collectionId: string,
    url: string,
    error: string | null,
    now: number,
  ): Promise<void> {
    await tx.run(
      'UPDATE collection_sources SET last_fetched_at = ?, last_error = ? WHERE collection_id = ? AND url = ?',
      [now, error, collectionId, url],
    );
  }
}

function errorOf(a: CollectionAnswer): string {
  return `${a.reason ?? a.outcome}${a.detail ? `: ${a.detail}` : ''}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
