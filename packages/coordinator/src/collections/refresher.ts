import type { CollectionWebhookPayload, RefreshStats } from '@sward/core';
import type { Logger } from 'pino';
import { safeError } from '../log-safe.js';
import type { FrontierStore, NewUrl } from '../store/frontier-store.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { ChunkIndex } from './chunk-index.js';
import type { CollectionIngest } from './collection-ingest.js';
import { collectionOptions, parseOptions } from './collection-options.js';
import type { CollectionSearch } from './collection-search.js';
import { refreshPayment } from './collection-spending.js';
import { deliverWebhook } from './webhooks.js';

export interface RefresherOptions {
  /** How often due refreshes are looked for (default 1 s). */
  tickMs?: number;
  /** Refreshes whose URL rows are kept for `sward collection show` (failures of recent rounds). Default 5. */
  keepRounds?: number;
  /** Change records older than this are dropped (default 7 days). */
  keepChangesMs?: number;
  /** Deliver webhooks to private and loopback addresses (tests, private networks). Default false. */
  allowPrivateWebhooks?: boolean;
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  log?: Logger;
}

/** Most changes one webhook lists; a larger refresh says how many it left out. */
const WEBHOOK_MAX_CHANGES = 5000;

/**
 * Runs live collections: starts each due collection's refresh as a crawl job of its sources (fetched
 * through nodes, politely, signed and logged like any crawl; feeds and sitemaps add their entries as they
 * answer), and when the job is done closes the refresh: pages no source lists any more leave the index,
 * figures are recorded, the customer's webhook is told what changed, vectors are made for new chunks.
 * Every step claims its row with a conditional UPDATE, so several coordinators on one PostgreSQL database
 * never start or close the same refresh twice.
 */
export class CollectionRefresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly opts: Required<Omit<RefresherOptions, 'log'>> & { log?: Logger };

  constructor(
    private readonly db: SqlDriver,
    private readonly frontier: FrontierStore,
    private readonly chunks: ChunkIndex,
    private readonly ingest: CollectionIngest,
    private readonly search: CollectionSearch,
    opts: RefresherOptions = {},
  ) {
    this.opts = {
      tickMs: 1000,
      keepRounds: 5,
      keepChangesMs: 7 * 86_400_000,
      allowPrivateWebhooks: false,
      webhookAttempts: 3,
      webhookBackoffMs: 1000,
      ...opts,
    };
  }

  async start(): Promise<void> {
    // A delivery cut short by a stop is sent again (webhooks are at least once; the delivery id dedupes).
    await this.db.run(
      "UPDATE collection_rounds SET webhook_state = 'pending' WHERE webhook_state = 'sending'",
    );
    const loop = () => {
      this.running = this.tick()
        .catch((e) => this.opts.log?.error({ err: safeError(e) }, 'collection refresh tick failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(loop, this.opts.tickMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = null;
    if (t) clearTimeout(t);
    await this.running;
  }

  /** One pass: close finished refreshes, start due ones, send webhooks, embed new chunks. */
  async tick(now = Date.now()): Promise<void> {
    await this.finishRounds();
    await this.startDue(now);
    await this.deliverWebhooks();
    await this.search.embedPending();
  }

  private async startDue(now: number): Promise<void> {
    const due = await this.db.all<{
      id: string;
      owner: string | null;
      options: string;
      api_key_id: string | null;
    }>(
      `SELECT id, owner, options, api_key_id FROM collections
       WHERE round_job IS NULL AND next_round_at IS NOT NULL AND next_round_at <= ? ORDER BY next_round_at LIMIT 50`,
      [now],
    );
    for (const c of due) {
      if (parseOptions(c.options).paused) continue;
      await this.db.transaction(async (tx) => {
        const claim = await tx.run(
          "UPDATE collections SET round_job = 'starting' WHERE id = ? AND round_job IS NULL AND next_round_at <= ?",
          [c.id, now],
        );
        if (!claim.changes) return; // another coordinator started it
        // paused since the list was read: undo the claim
        const opts = await collectionOptions(tx, c.id);
        if (!opts || opts.paused) {
          await tx.run('UPDATE collections SET round_job = NULL WHERE id = ?', [c.id]);
          return;
        }
        const sources = await tx.all<{ url: string; kind: string }>(
          'SELECT url, kind FROM collection_sources WHERE collection_id = ? ORDER BY created_at, url',
          [c.id],
        );
        const pages = sources.filter((s) => s.kind === 'page').slice(0, opts.maxPages);
        const urls: NewUrl[] = [
          ...sources
            .filter((s) => s.kind !== 'page')
            .map((s) => ({ url: s.url, depth: 0, kind: 'feed' as const })),
          ...pages.map((s) => ({ url: s.url, depth: 0 })),
        ];
        const jobId = await this.frontier.insertJob(
          tx,
          // the maker's key: the refresh's pages count against its pages for the day (scheduler)
          { tenant: c.owner, apiKeyId: c.api_key_id },
          {
            seed: sources[0]?.url ?? '',
            maxPages: opts.maxPages,
            maxDepth: 0,
            include: [],
            exclude: [],
            // a live collection hands its pages to a model at question time: publishers' `input` signals apply
            purpose: 'input',
            // what its pages may cost: the charge path of crawls applies to each refresh as to any job
            ...(await refreshPayment(tx, c.id, opts)),
          },
          urls,
          c.id,
        );
        await tx.run('UPDATE collections SET round_job = ?, next_round_at = ? WHERE id = ?', [
          jobId,
          now + opts.everyMs,
          c.id,
        ]);
        await tx.run('INSERT INTO collection_rounds (job_id, collection_id, started_at) VALUES (?, ?, ?)', [
          jobId,
          c.id,
          now,
        ]);
        this.opts.log?.debug(
          { collection: c.id, job: jobId, sources: urls.length },
          'collection refresh started',
        );
      });
    }
  }

  private async finishRounds(): Promise<void> {
    const done = await this.db.all<{ job_id: string; collection_id: string }>(
      `SELECT r.job_id, r.collection_id FROM collection_rounds r JOIN jobs j ON j.id = r.job_id
       WHERE r.finished_at IS NULL AND j.state = 'done' ORDER BY r.started_at`,
    );
    for (const r of done) await this.db.transaction((tx) => this.finishRound(tx, r.job_id, r.collection_id));
  }

  private async finishRound(tx: SqlExecutor, jobId: string, collectionId: string): Promise<void> {
    const now = Date.now();
    const claim = await tx.run(
      'UPDATE collection_rounds SET finished_at = ? WHERE job_id = ? AND finished_at IS NULL',
      [now, jobId],
    );
    if (!claim.changes) return;
    const opts = await collectionOptions(tx, collectionId);
    if (!opts) return;
    // Held pages this refresh did not confirm: no source lists them any more, they are over the page cap,
    // or robots.txt / an opt-out now keeps them out. A page that failed for a passing reason (timeout,
    // 5xx after retries) stays until it answers again.
    const dropped = await tx.all<{ url: string; state: string | null; reason: string | null }>(
      `SELECT p.url, u.state, u.reason FROM collection_pages p
       LEFT JOIN urls u ON u.job_id = ? AND u.url = p.url AND u.kind IN ('page', 'feed')
       WHERE p.collection_id = ? AND (u.id IS NULL OR u.state = 'skipped')`,
      [jobId, collectionId],
    );
    for (const d of dropped) {
      if (await this.chunks.removePage(tx, collectionId, d.url))
        await this.ingest.recordChange(
          tx,
          collectionId,
          jobId,
          d.url,
          'removed',
          d.state ? (d.reason ?? d.state) : 'no longer listed by any source',
          null,
          now,
        );
    }
    const stats = await roundStats(tx, jobId);
    const changed = stats.added + stats.changed + stats.removed;
    await tx.run('UPDATE collection_rounds SET stats = ?, webhook_state = ? WHERE job_id = ?', [
      JSON.stringify(stats),
      opts.webhook && changed > 0 ? 'pending' : null,
      jobId,
    ]);
    await tx.run('UPDATE collections SET round_job = NULL WHERE id = ? AND round_job = ?', [
      collectionId,
      jobId,
    ]);
    await this.prune(tx, collectionId, now);
    this.opts.log?.debug({ collection: collectionId, job: jobId, ...stats }, 'collection refresh finished');
  }

  /** Keeps the URL rows of the last few refreshes (for their failures) and a week of change records. */
  private async prune(tx: SqlExecutor, collectionId: string, now: number): Promise<void> {
    const old = await tx.all<{ job_id: string }>(
      `SELECT job_id FROM collection_rounds WHERE collection_id = ? AND finished_at IS NOT NULL
       ORDER BY started_at DESC LIMIT 100 OFFSET ?`,
      [collectionId, this.opts.keepRounds],
    );
    for (const o of old) await this.frontier.dropSettledUrls(tx, o.job_id);
    await tx.run('DELETE FROM collection_changes WHERE collection_id = ? AND detected_at < ?', [
      collectionId,
      now - this.opts.keepChangesMs,
    ]);
  }

  private async deliverWebhooks(): Promise<void> {
    const pending = await this.db.all<{ job_id: string; collection_id: string }>(
      "SELECT job_id, collection_id FROM collection_rounds WHERE webhook_state = 'pending' ORDER BY started_at LIMIT 20",
    );
    for (const p of pending) {
      const claim = await this.db.run(
        "UPDATE collection_rounds SET webhook_state = 'sending' WHERE job_id = ? AND webhook_state = 'pending'",
        [p.job_id],
      );
      if (!claim.changes) continue;
      const payload = await this.webhookPayload(p.job_id, p.collection_id);
      const opts = await collectionOptions(this.db, p.collection_id);
      if (!payload || !opts?.webhook) {
        await this.db.run("UPDATE collection_rounds SET webhook_state = 'dropped' WHERE job_id = ?", [
          p.job_id,
        ]);
        continue;
      }
      const result = await deliverWebhook({
        url: opts.webhook.url,
        secret: opts.webhook.secret,
        payload,
        allowPrivate: this.opts.allowPrivateWebhooks,
        attempts: this.opts.webhookAttempts,
        backoffMs: this.opts.webhookBackoffMs,
      });
      if (!result.ok)
        this.opts.log?.warn(
          { collection: p.collection_id, error: result.error },
          'collection webhook failed',
        );
      await this.db.run(
        'UPDATE collection_rounds SET webhook_state = ?, webhook_result = ? WHERE job_id = ?',
        [result.ok ? 'delivered' : 'failed', JSON.stringify(result), p.job_id],
      );
    }
  }

  /** What a refresh's webhook says: the refresh's figures and every page it added, changed or removed. */
  async webhookPayload(jobId: string, collectionId: string): Promise<CollectionWebhookPayload | null> {
    const round = await this.db.get<{ started_at: number; finished_at: number; stats: string }>(
      'SELECT started_at, finished_at, stats FROM collection_rounds WHERE job_id = ?',
      [jobId],
    );
    const col = await this.db.get<{ name: string }>('SELECT name FROM collections WHERE id = ?', [
      collectionId,
    ]);
    if (!round || !col) return null;
    const rows = await this.db.all<{
      url: string;
      change: string;
      reason: string | null;
      detected_at: number;
    }>(
      'SELECT url, change, reason, detected_at FROM collection_changes WHERE job_id = ? ORDER BY id LIMIT ?',
      [jobId, WEBHOOK_MAX_CHANGES + 1],
    );
    const stats = JSON.parse(round.stats) as RefreshStats;
    return {
      event: 'collection.refreshed',
      collection: { id: collectionId, name: col.name },
      refresh: {
        jobId,
        startedAt: new Date(Number(round.started_at)).toISOString(),
        finishedAt: new Date(Number(round.finished_at)).toISOString(),
        stats,
      },
      changes: rows.slice(0, WEBHOOK_MAX_CHANGES).map((r) => ({
        url: r.url,
        change: r.change as 'added' | 'changed' | 'removed',
        reason: r.reason,
        at: new Date(Number(r.detected_at)).toISOString(),
      })),
      truncated: rows.length > WEBHOOK_MAX_CHANGES,
    };
  }
}

async function roundStats(tx: SqlExecutor, jobId: string): Promise<RefreshStats> {
  const s: RefreshStats = { fetched: 0, notModified: 0, failed: 0, added: 0, changed: 0, removed: 0 };
  for (const r of await tx.all<{ outcome: string; n: number }>(
    "SELECT outcome, count(*) AS n FROM captures WHERE job_id = ? AND outcome IN ('stored', 'unchanged') GROUP BY outcome",
    [jobId],
  ))
    if (r.outcome === 'stored') s.fetched = Number(r.n);
    else s.notModified = Number(r.n);
  const failed = await tx.get<{ n: number }>(
    "SELECT count(*) AS n FROM urls WHERE job_id = ? AND state = 'failed'",
    [jobId],
  );
  s.failed = Number(failed?.n ?? 0);
  for (const r of await tx.all<{ change: keyof RefreshStats; n: number }>(
    'SELECT change, count(*) AS n FROM collection_changes WHERE job_id = ? GROUP BY change',
    [jobId],
  ))
    s[r.change] = Number(r.n);
  return s;
}
