import { type CrawlOptions, crawlRequestObject, type RobotsState, robotsVerdict } from '@sward/core';
import { z } from 'zod';
import { type NodeStanding, standingOf } from './auth-store.js';
import { newId } from './ids.js';
import { type CancelFound, cancelJob, finishCancelled } from './job-cancel.js';
import { JobCounts } from './job-counts.js';
import { handBackNodeLeases, KEEP_TASK, silentLeaseHolders } from './lease-handback.js';
import { inChunks, marks, valuesList } from './multi-row.js';
import { PaymentStore, splitPaymentOptions } from './payment-store.js';
import { type PendingAnswer, parsePendingAnswers, pendingDetail, type Witness } from './policy-answers.js';
import { insertPolicyDoc, type PolicySource } from './policy-docs.js';
import { type SqlDriver, type SqlExecutor, skipLockedClause } from './sql-driver.js';
import type { HostPolicy, Job, JobProgress, LeaseRow, SchedulerConfig, UrlKind } from './types.js';

/**
 * Policy files are fetched per origin under this pseudo-job, shared by every crawl of the origin, and
 * fetched again once older than policyTtlMs.
 */
export const POLICY_JOB = '_policy';

/** A queued URL's reason after a node refused it by its operator's rules (handBack). */
export const REFUSED = 'refused_by_node';

/**
 * A queued robots.txt's reason after a node refused its address as private (BLOCKED_ADDRESS, the node's own
 * guard): handed back as REFUSED is, but named apart so the job's wait can say which node would fetch it.
 */
export const REFUSED_ADDRESS = 'address_refused_by_node';

/**
 * The part of a WHERE on `urls` that keeps out a URL `nodeId` is kept off (url_refusals): refused within
 * refusalTtlMs, failed or let lapse lately, or, for a page its failers' word could not fail, one whose operator or
 * network failed it (keys `op:OPERATOR`, `net:NETWORK`: store/page-failures.ts). Its parameters are
 * refusalParams(nodeId, now). A URL never kept from anyone, or not lately (refused_until), is decided on its own
 * row: the correlated NOT EXISTS, and the node's operator and network with it, run only for URLs kept lately.
 */
const NOT_REFUSED_BY = `(urls.refused_until IS NULL OR urls.refused_until <= ? OR NOT EXISTS (
  SELECT 1 FROM url_refusals r WHERE r.url_id = urls.id AND r.node_id IN (?, ?, ?) AND r.expires_at > ?))`;
const refusalParams = (node: ClaimingNode, now: number) => [now, node.id, ...node.keys, now];

/**
 * A node as a claim reads it once (nodeClaimFacts): its id and the keys its operator and network are kept off a
 * page under (`op:OPERATOR`, `net:NETWORK`; the operator's key twice when the network is unknown).
 */
export interface ClaimingNode {
  id: string;
  keys: readonly [string, string];
}

/** The url_refusals keys of a node's operator and network (witness: policy-answers.ts). */
export function witnessKeys(w: Witness): [string, string] {
  const op = `op:${w.operator}`;
  return [op, w.network ? `net:${w.network}` : op];
}

/** A node's row read as a witness: its operator (its own id when it names none or has no row) and network. */
const witnessOfRow = (
  nodeId: string,
  r: { operator: string | null; last_network: string | null } | undefined,
): Witness => ({ operator: r?.operator || nodeId, network: r?.last_network ?? null });

/** The keep-off tables: a URL's (url_refusals, urls.refused_until) and an origin's (host_refusals, hosts.kept_until). */
const KEEP_OFF = {
  url: {
    table: 'url_refusals',
    subject: 'url_id',
    key: 'node_id',
    rows: 'urls',
    rowKey: 'id',
    until: 'refused_until',
  },
  host: {
    table: 'host_refusals',
    subject: 'origin',
    key: 'node_key',
    rows: 'hosts',
    rowKey: 'origin',
    until: 'kept_until',
  },
} as const;

/** Who a job belongs to: its tenant, and the key that created it (none for a collection's refresh). */
export interface JobOwner {
  tenant: string | null;
  apiKeyId?: string | null;
}

/** An origin due for a request, with when its policy files were last fetched. */
export interface ReadyHost extends HostPolicy {
  policyAt: number | null;
  tdmrepAt: number | null;
  /**
   * Whether a spot check the claiming node is not kept from (avoid_node) is due here: when false, its claim
   * need not read the origin's checks (readyHosts with a node; true when it was read without one).
   */
  checksReady: boolean;
}

/** A queued URL as the scheduler sees it. */
export interface QueuedUrl {
  id: number;
  jobId: string;
  url: string;
  kind: UrlKind;
  detail: string | null;
}

/** The Crawl-delay robots.txt asks of SwardBot at an origin, in ms (0: none). */
export function crawlDelayOf(host: HostPolicy): number {
  const { origin, robotsState, robotsTxt } = host;
  return robotsVerdict(origin, robotsState as RobotsState, robotsTxt, `${origin}/`).crawlDelayMs;
}

/**
 * A Crawl-delay longer than this coordinator waits (--max-crawl-delay): the origin is not crawled at all.
 * One predicate for the scheduler (skips), releaseHost (no delay to wait) and ingest (such an answer closes
 * the origin, so it needs another operator's confirmation like Disallow: /).
 */
export function crawlDelayTooLong(
  crawlDelayMs: number,
  config: Pick<SchedulerConfig, 'maxCrawlDelayMs'>,
): boolean {
  return crawlDelayMs > config.maxCrawlDelayMs;
}

export interface NewUrl {
  url: string;
  depth: number;
  /** 'page' (default), or 'feed' for a live collection's feed / sitemap / source of unknown type. */
  kind?: 'page' | 'feed';
}

/**
 * Jobs and the frontier: what is queued, who holds which lease, and when each origin may be asked
 * again. Which URL goes to which node (robots.txt, TDMRep, delays, quotas, spot checks) is decided by
 * the scheduler (scheduler/lease-scheduler.ts) over these methods. Every state change happens in one transaction, so a SIGKILL leaves either the old or the new
 * state; leases out at the time of a crash simply expire and go to another node.
 */
export class FrontierStore {
  /** Wall-clock start: nodes get a full nodeTimeoutMs to reach a coordinator that has just started. */
  private readonly startedAt = Date.now();
  private lastSilentSweep = 0;
  /** Pay-per-crawl budgets, holds and licence tokens (payment-store.ts), written with the job. */
  readonly payments: PaymentStore;
  /** A job's counts, kept by triggers (job-counts.ts). */
  readonly counts: JobCounts;

  constructor(
    private readonly db: SqlDriver,
    readonly config: SchedulerConfig,
  ) {
    this.payments = new PaymentStore(db);
    this.counts = new JobCounts(db);
  }

  private get skipLocked(): string {
    return skipLockedClause(this.db.dialect);
  }

  async createJob(owner: JobOwner, opts: CrawlOptions): Promise<Job> {
    const id = await this.db.transaction((tx) =>
      this.insertJob(tx, owner, opts, [{ url: opts.seed, depth: 0 }]),
    );
    return (await this.getJob(id)) as Job;
  }

  /**
   * A crawl job, unless its tenant already runs `maxRunning` (0: no limit): then how many it runs. The
   * count and the insert share one transaction, serialised per tenant (an advisory lock on PostgreSQL,
   * BEGIN IMMEDIATE on SQLite), so replicas accepting jobs at the same moment cannot overshoot together.
   */
  async createJobWithin(
    owner: JobOwner,
    opts: CrawlOptions,
    maxRunning: number,
  ): Promise<{ job: Job } | { running: number }> {
    const r = await this.db.transaction(async (tx): Promise<{ id: string } | { running: number }> => {
      if (maxRunning > 0 && owner.tenant !== null) {
        if (this.db.dialect === 'postgres')
          await tx.run('SELECT pg_advisory_xact_lock(7290020, hashtext(?))', [owner.tenant]);
        const n = await tx.get<{ n: number }>(
          "SELECT count(*) AS n FROM jobs WHERE tenant_id = ? AND state = 'running' AND collection_id IS NULL",
          [owner.tenant],
        );
        if (Number(n?.n ?? 0) >= maxRunning) return { running: Number(n?.n) };
      }
      return { id: await this.insertJob(tx, owner, opts, [{ url: opts.seed, depth: 0 }]) };
    });
    return 'id' in r ? { job: (await this.getJob(r.id)) as Job } : r;
  }

  /** A job with its first URLs, in the caller's transaction; a live collection's refresh names its collection. */
  async insertJob(
    tx: SqlExecutor,
    owner: JobOwner,
    opts: CrawlOptions,
    urls: readonly NewUrl[],
    collectionId: string | null = null,
  ): Promise<string> {
    const id = newId('j');
    // Licence tokens are secrets: never in the options that jobs, manifests and logs show.
    const { options } = splitPaymentOptions(opts);
    await tx.run(
      `INSERT INTO jobs (id, api_key_id, tenant_id, seed, options, state, created_at, collection_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        owner.apiKeyId ?? null,
        owner.tenant,
        opts.seed,
        JSON.stringify(options),
        'running',
        Date.now(),
        collectionId,
      ],
    );
    await this.payments.recordJob(tx, id, opts);
    await enqueue(tx, id, urls);
    return id;
  }

  async getJob(id: string, tx: SqlExecutor = this.db): Promise<Job | undefined> {
    const r = await tx.get<Record<string, unknown>>('SELECT * FROM jobs WHERE id = ?', [id]);
    return r ? mapJob(r) : undefined;
  }

  /** Cancels `tenant`'s running job (job-cancel.ts); answers the job as found, before the cancel. */
  async cancelJob(tenant: string, id: string): Promise<CancelFound> {
    return cancelJob(this.db, tenant, id, this.config.clock());
  }

  /** The job if it belongs to `tenant`; another tenant's job is not there for it. */
  async getJobOf(tenant: string, id: string): Promise<Job | undefined> {
    const r = await this.db.get<Record<string, unknown>>(
      'SELECT * FROM jobs WHERE id = ? AND tenant_id = ?',
      [id, tenant],
    );
    return r ? mapJob(r) : undefined;
  }

  /** A tenant's crawl jobs, newest first (a live collection's refreshes are listed with the collection). */
  async listJobs(tenant: string, limit = 100): Promise<Job[]> {
    return (
      await this.db.all<Record<string, unknown>>(
        'SELECT * FROM jobs WHERE tenant_id = ? AND collection_id IS NULL ORDER BY created_at DESC LIMIT ?',
        [tenant, limit],
      )
    ).map(mapJob);
  }

  async progress(jobId: string): Promise<JobProgress> {
    const p: JobProgress = {
      queued: 0,
      leased: 0,
      stored: 0,
      skipped: 0,
      failed: 0,
      skippedByReason: {},
      failedByReason: {},
      pagesByNode: {},
      documentsPending: 0,
    };
    // Counters kept by triggers (job-counts.ts): a few rows, not one per URL of the job.
    const counts = await this.counts.read(jobId);
    // Archive reuse: the stored pages taken from the archive; the rest were fetched by nodes for this job.
    p.fromArchive = 0;
    for (const r of counts.states) {
      const n = r.n;
      const s = r.state as keyof Pick<JobProgress, 'queued' | 'leased' | 'stored' | 'skipped' | 'failed'>;
      p[s] += n;
      if (s === 'stored' && r.reason === 'archive') p.fromArchive += n;
      if (s === 'skipped')
        p.skippedByReason[r.reason ?? 'unknown'] = (p.skippedByReason[r.reason ?? 'unknown'] ?? 0) + n;
      if (s === 'failed')
        p.failedByReason[r.reason ?? 'unknown'] = (p.failedByReason[r.reason ?? 'unknown'] ?? 0) + n;
    }
    for (const r of counts.nodes) p.pagesByNode[r.nodeId] = r.n;
    const pending = await this.db.get<{ n: number }>(
      'SELECT count(*) AS n FROM extract_queue WHERE job_id = ?',
      [jobId],
    );
    p.documentsPending = Number(pending?.n ?? 0);
    p.fetched = p.stored - p.fromArchive;
    return p;
  }

  /**
   * What a claim checks of its node, in one statement: its standing (revoked, spot-check credibility; null
   * when it has no row) and how many leases it holds now (the per-node cap).
   */
  async nodeClaimFacts(
    tx: SqlExecutor,
    nodeId: string,
  ): Promise<{ standing: NodeStanding; held: number; node: ClaimingNode }> {
    const r = await tx.get<{
      node_row: unknown;
      revoked_at: unknown;
      credibility: unknown;
      held: number;
      operator: string | null;
      last_network: string | null;
    }>(
      `SELECT n.id AS node_row, n.revoked_at, n.credibility, n.operator, n.last_network,
         (SELECT count(*) FROM urls WHERE state = 'leased' AND leased_to = ?) AS held
       FROM (SELECT 1 AS one) o LEFT JOIN nodes n ON n.id = ?`,
      [nodeId, nodeId],
    );
    return {
      standing: r ? standingOf(r) : null,
      held: Number(r?.held ?? 0),
      node: { id: nodeId, keys: witnessKeys(witnessOfRow(nodeId, r)) },
    };
  }

  /**
   * Origins with a URL due, least recently asked first, up to `limit`; with politeness on, only those not
   * busy and past their delay. Locked (PostgreSQL) so two coordinators never lease one origin at once;
   * `lock` false: a look only, which must not make a peer's claim skip the hosts it read. With `nodeId`, each
   * host also says whether a spot check that node is not kept from is due there (`checksReady`, the same
   * test as queuedAt's for checks), so a claim reads an origin's checks only when there are some: most of the
   * time there are none, and that read was one statement of a claim's ~9 (per host tried).
   */
  async readyHosts(
    tx: SqlExecutor,
    now: number,
    limit: number,
    lock = true,
    node?: ClaimingNode,
  ): Promise<ReadyHost[]> {
    const polite = this.config.politeness;
    const checks =
      node === undefined
        ? ''
        : `, EXISTS (SELECT 1 FROM urls c WHERE c.origin = h.origin AND c.state = 'queued' AND c.depth = 0
             AND c.kind = 'spotcheck' AND c.not_before <= ? AND (c.avoid_node IS NULL OR c.avoid_node <> ?)) AS checks_ready`;
    // an origin the node (its operator, its network) is kept from lately is not one of its ready hosts
    const kept =
      node === undefined
        ? ''
        : ` AND (h.kept_until IS NULL OR h.kept_until <= ? OR NOT EXISTS (SELECT 1 FROM host_refusals r
             WHERE r.origin = h.origin AND r.node_key IN (?, ?, ?) AND r.expires_at > ?))`;
    const hosts = await tx.all<Record<string, unknown>>(
      `SELECT origin, robots_state, robots_txt, tdmrep_state, tdmrep, policy_at, tdmrep_at, robots_doc, tdmrep_doc${checks}
       FROM hosts h
       WHERE ${polite ? 'h.busy_until <= ? AND h.next_at <= ? AND ' : ''}
         EXISTS (SELECT 1 FROM urls u WHERE u.origin = h.origin AND u.state = 'queued' AND u.not_before <= ?)${kept}
       ORDER BY h.next_at LIMIT ?${lock ? this.skipLocked : ''}`,
      [
        ...(node === undefined ? [] : [now, node.id]),
        ...(polite ? [now, now] : []),
        now,
        ...(node === undefined ? [] : [now, node.id, ...node.keys, now]),
        limit,
      ],
    );
    return hosts.map((h) => ({
      ...mapHostPolicy(h),
      policyAt: h.policy_at == null ? null : Number(h.policy_at),
      tdmrepAt: h.tdmrep_at == null ? null : Number(h.tdmrep_at),
      checksReady: node === undefined || truthy(h.checks_ready),
    }));
  }

  /**
   * Keeps `keys` (a node id, `op:OPERATOR`, `net:NETWORK`) off `origin` for `forMs` (host_refusals, read by a
   * claim's readyHosts while hosts.kept_until has not passed). A shorter keep never cuts a longer one.
   */
  keepFromHost(
    tx: SqlExecutor,
    origin: string,
    keys: readonly string[],
    now: number,
    reason: string,
    forMs: number,
  ): Promise<void> {
    return this.keepOff(tx, KEEP_OFF.host, origin, keys, now, reason, forMs);
  }

  /**
   * What a lease long-poll asking again needs to know before it opens a claim, in one read outside any
   * transaction: whether an origin has a URL other than a spot check ready (`pages`: a claim may lease it);
   * otherwise the spot checks ready on ready origins, as a count and a fingerprint (their ids' sum, with the
   * leases `nodeId` holds) that changes whenever one is queued, taken or ended. Whether the node may take
   * a check is decided in the claim (mayCheck); the scheduler remembers a fingerprint a claim found nothing
   * in, so checks the node may not take do not make it claim again and again.
   */
  async readiness(
    ex: SqlExecutor,
    now: number,
    nodeId: string,
  ): Promise<{ pages: boolean; checks: number; fingerprint: string }> {
    const polite = this.config.politeness ? 'h.busy_until <= ? AND h.next_at <= ? AND ' : '';
    const at = this.config.politeness ? [now, now] : [];
    const r = await ex.get<{ pages: unknown; n: unknown; s: unknown; held: unknown }>(
      `SELECT
         (SELECT 1 FROM hosts h WHERE ${polite}EXISTS (SELECT 1 FROM urls u WHERE u.origin = h.origin
           AND u.state = 'queued' AND u.kind <> 'spotcheck' AND u.not_before <= ?) LIMIT 1) AS pages,
         c.n, c.s, (SELECT count(*) FROM urls WHERE state = 'leased' AND leased_to = ?) AS held
       FROM (SELECT count(*) AS n, COALESCE(sum(u.id), 0) AS s FROM urls u JOIN hosts h ON h.origin = u.origin
         WHERE ${polite}u.kind = 'spotcheck' AND u.state = 'queued' AND u.not_before <= ?) c`,
      [...at, now, nodeId, ...at, now],
    );
    return {
      pages: truthy(r?.pages),
      checks: Number(r?.n ?? 0),
      fingerprint: `${r?.n}:${r?.s}:${r?.held}`,
    };
  }

  /**
   * With politeness on: when the first origin with queued URLs comes off its delay or busy time (epoch ms),
   * so a lease long-poll that found nothing ready sleeps until then; null when nothing waits on time. An
   * origin already past its delay is no reason to wake: its queued URLs (spot checks the node may not take,
   * pages waiting on a budget or a quota) were there for the claim that just found nothing, and waking at once
   * for them spun the long-poll every millisecond (issue #14 point 4).
   */
  async nextReadyAt(now: number): Promise<number | null> {
    if (!this.config.politeness) return null;
    const r = await this.db.get<{ t: number | null }>(
      `SELECT min(CASE WHEN h.busy_until > h.next_at THEN h.busy_until ELSE h.next_at END) AS t FROM hosts h
       WHERE (h.busy_until > ? OR h.next_at > ?)
         AND EXISTS (SELECT 1 FROM urls u WHERE u.origin = h.origin AND u.state = 'queued')`,
      [now, now],
    );
    return r?.t == null ? null : Number(r.t);
  }

  /** One request at a time per origin: busy until the lease's deadline or the answer (releaseHost). */
  async markHostBusy(tx: SqlExecutor, origin: string, until: number): Promise<void> {
    await tx.run('UPDATE hosts SET busy_until = ? WHERE origin = ?', [until, origin]);
  }

  /** The frontier row of an origin's robots.txt or tdmrep.json (made on first use), locked. */
  async policyFileRow(tx: SqlExecutor, origin: string, kind: UrlKind, url: string, now: number) {
    await tx.run(
      `INSERT INTO urls (job_id, url, origin, kind, depth, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, 'queued', ?, ?) ON CONFLICT (job_id, kind, url) DO NOTHING`,
      [POLICY_JOB, url, origin, kind, now, now],
    );
    const row = await tx.get<{
      id: number;
      state: string;
      reason: string | null;
      detail: string | null;
      refused_until: unknown;
    }>(
      `SELECT id, state, reason, detail, refused_until FROM urls WHERE job_id = ? AND kind = ? AND url = ?${this.skipLocked}`,
      [POLICY_JOB, kind, url],
    );
    return row
      ? {
          id: Number(row.id),
          state: row.state,
          reason: row.reason,
          /** The latest end of a node's refusal of it (epoch ms; see refusedBy), null: never refused. */
          refusedUntil: row.refused_until == null ? null : Number(row.refused_until),
          pending: parsePendingAnswers(row.detail),
        }
      : undefined;
  }

  /** Whether `nodeId` refused the URL row `id` by its operator's rules within refusalTtlMs (handBack). */
  async refusedBy(tx: SqlExecutor, id: number, nodeId: string, now: number): Promise<boolean> {
    const r = await tx.get(
      'SELECT 1 AS x FROM url_refusals WHERE url_id = ? AND node_id = ? AND expires_at > ?',
      [id, nodeId, now],
    );
    return r !== undefined;
  }

  /**
   * Queued URLs of an origin that `nodeId` may take, shallowest first, locked: its spot checks (always at
   * depth 0), or its other URLs (pages, feeds, RSL licences). Two queues, so that checks a node may not take
   * (its own captures', all of them on a network of one node) never hide the pages behind them.
   */
  async queuedAt(
    tx: SqlExecutor,
    origin: string,
    node: ClaimingNode,
    now: number,
    limit: number,
    offset: number,
    queue: 'checks' | 'pages',
    withoutJobs: readonly string[] = [],
    withoutPagesOf: readonly string[] = [],
  ): Promise<QueuedUrl[]> {
    const kinds = queue === 'checks' ? "depth = 0 AND kind = 'spotcheck'" : "kind IN ('page', 'feed', 'rsl')";
    // Jobs the claim found it can lease nothing of for now (not running, waiting on their budget), and jobs
    // none of whose pages it may lease (full, over their key's pages for the day: their feeds count no page):
    // left out here, so their queued rows never fill the claim's window (see leasePages).
    const without =
      (withoutJobs.length ? ` AND job_id NOT IN (${marks(withoutJobs.length)})` : '') +
      (withoutPagesOf.length
        ? ` AND NOT (kind = 'page' AND job_id IN (${marks(withoutPagesOf.length)}))`
        : '');
    const rows = await tx.all<Record<string, unknown>>(
      `SELECT id, job_id, url, kind, detail FROM urls
       WHERE origin = ? AND state = 'queued' AND ${kinds} AND not_before <= ?
         AND (avoid_node IS NULL OR avoid_node <> ?) AND ${NOT_REFUSED_BY}${without}
       ORDER BY depth, id LIMIT ? OFFSET ?${this.skipLocked}`,
      [origin, now, node.id, ...refusalParams(node, now), ...withoutJobs, ...withoutPagesOf, limit, offset],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      jobId: String(r.job_id),
      url: String(r.url),
      kind: r.kind as UrlKind,
      detail: (r.detail as string | null) ?? null,
    }));
  }

  /**
   * What leasing a job's pages must respect: the job, its key's daily page quota, pages out on lease. One
   * statement (read once per job per claim; it was three).
   */
  async jobLeaseFacts(tx: SqlExecutor, jobId: string) {
    const r = await tx.get<Record<string, unknown>>(
      `SELECT j.*, COALESCE(k.quota_key, k.id) AS quota_subject, k.pages_per_day AS key_pages_per_day,
         (SELECT count(*) FROM urls u WHERE u.job_id = j.id AND u.state = 'leased' AND u.kind = 'page') AS leased_pages
       FROM jobs j LEFT JOIN api_keys k ON k.id = j.api_key_id WHERE j.id = ?`,
      [jobId],
    );
    return {
      job: r ? mapJob(r) : undefined,
      // whose counters the pages are counted in (a key a customer made counts in its maker's)
      quotaKey: (r?.quota_subject as string | null | undefined) ?? null,
      keyPagesPerDay: r?.key_pages_per_day == null ? null : Number(r.key_pages_per_day),
      leased: Number(r?.leased_pages ?? 0),
    };
  }

  /** Leases a URL to a node until `now + leaseMs`, recording the policy answers its decision rests on. */
  async markLeased(
    tx: SqlExecutor,
    id: number,
    nodeId: string,
    now: number,
    docs: { robots: number | null; tdmrep: number | null },
  ): Promise<{ leaseId: string; deadline: number }> {
    const { leaseId, deadline } = this.newLease(now);
    await tx.run(
      `UPDATE urls SET state = 'leased', lease_id = ?, leased_to = ?, lease_deadline = ?, updated_at = ?,
         robots_doc = ?, tdmrep_doc = ? WHERE id = ?`,
      [leaseId, nodeId, deadline, now, docs.robots, docs.tdmrep, id],
    );
    return { leaseId, deadline };
  }

  /** A lease's id and deadline, before its URL row says so (markLeasedMany). */
  newLease(now: number): { leaseId: string; deadline: number } {
    return { leaseId: newId('l'), deadline: now + this.config.leaseMs };
  }

  /**
   * What markLeased does, for several URLs leased to one node in one claim, in one statement per chunk (a
   * claim's pages were one UPDATE each). Every row's lease is `newLease(now)`'s, so they share a deadline.
   */
  async markLeasedMany(
    tx: SqlExecutor,
    rows: readonly { id: number; leaseId: string; robots: number | null; tdmrep: number | null }[],
    nodeId: string,
    now: number,
  ): Promise<void> {
    const deadline = now + this.config.leaseMs;
    // Typed on the first row: PostgreSQL types a VALUES list's columns from it (text otherwise).
    await inChunks(tx, rows, (chunk) => [
      `WITH v (id, lease_id, robots_doc, tdmrep_doc) AS (VALUES ${valuesList(chunk.length, [
        'CAST(? AS BIGINT)',
        'CAST(? AS TEXT)',
        'CAST(? AS BIGINT)',
        'CAST(? AS BIGINT)',
      ])})
       UPDATE urls SET state = 'leased', lease_id = v.lease_id, leased_to = ?, lease_deadline = ?, updated_at = ?,
         robots_doc = v.robots_doc, tdmrep_doc = v.tdmrep_doc FROM v WHERE urls.id = v.id`,
      [...chunk.flatMap((r) => [r.id, r.leaseId, r.robots, r.tdmrep]), nodeId, deadline, now],
    ]);
  }

  /** Skips a URL by policy, recording which policy answers the decision rests on. */
  async skipByPolicy(
    tx: SqlExecutor,
    id: number,
    reason: string,
    detail: string | null,
    robotsDoc: number | null,
    tdmrepDoc: number | null,
  ): Promise<void> {
    await tx.run(
      `UPDATE urls SET state = 'skipped', reason = ?, detail = ?, lease_id = NULL, robots_doc = ?, tdmrep_doc = ?,
         updated_at = ? WHERE id = ?`,
      [reason, detail, robotsDoc, tdmrepDoc, this.config.clock(), id],
    );
  }

  /** Leases past their deadline, locked. */
  async overdueLeases(tx: SqlExecutor, now: number) {
    return tx.all<{
      id: number;
      job_id: string;
      attempts: number;
      leased_to: string;
      kind: UrlKind;
      origin: string;
    }>(
      `SELECT id, job_id, attempts, leased_to, kind, origin FROM urls WHERE state = 'leased' AND lease_deadline < ?${this.skipLocked}`,
      [now],
    );
  }

  /**
   * Leases of nodes not heard from for nodeTimeoutMs go back to the queue (lease-handback.ts). Looked at
   * once a second at most: every claim calls it, and several nodes may claim in one second.
   */
  async releaseSilentNodes(tx: SqlExecutor, now: number, touched: Set<string>): Promise<void> {
    if (!this.silentSweepDue()) return;
    const wall = Date.now();
    this.lastSilentSweep = wall;
    for (const nodeId of await silentLeaseHolders(tx, wall - this.config.nodeTimeoutMs)) {
      const r = await handBackNodeLeases(tx, this, this.skipLocked, nodeId, 'node_gone', now);
      for (const j of r.jobs) touched.add(j);
    }
  }

  /** Whether the next claim looks for silent nodes' leases (at most once a second of the wall clock). */
  silentSweepDue(): boolean {
    const timeout = this.config.nodeTimeoutMs;
    const wall = Date.now();
    return timeout > 0 && wall - this.startedAt >= timeout && wall - this.lastSilentSweep >= 1000;
  }

  /**
   * A node hands back the leases it holds but those in `keep` (finished captures it still means to
   * upload): at logout, and at start for leases of its previous run. Returns how many went back.
   */
  async handBackNodeLeases(nodeId: string, keep: readonly string[] = []): Promise<number> {
    const now = this.config.clock();
    return this.db.transaction(
      async (tx) =>
        (await handBackNodeLeases(tx, this, this.skipLocked, nodeId, 'handed_back', now, new Set(keep)))
          .count,
    );
  }

  async getLease(leaseId: string, tx: SqlExecutor = this.db): Promise<LeaseRow | undefined> {
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const r = await tx.get<Record<string, unknown>>(`SELECT * FROM urls WHERE lease_id = ?${lock}`, [
      leaseId,
    ]);
    return r ? mapLease(r) : undefined;
  }

  /**
   * The URL rows holding these leases, by lease id, in one statement; `lock` (in a transaction) takes their
   * rows on PostgreSQL, as getLease does. Lease ids no row holds are missing from the map.
   */
  async leasesByIds(
    leaseIds: readonly string[],
    tx: SqlExecutor = this.db,
    lock = false,
  ): Promise<Map<string, LeaseRow>> {
    const out = new Map<string, LeaseRow>();
    const ids = [...new Set(leaseIds)];
    const forUpdate = lock && this.db.dialect === 'postgres' ? ' ORDER BY id FOR UPDATE' : '';
    const rows = await inChunks(tx, ids, (chunk) => [
      `SELECT * FROM urls WHERE lease_id IN (${marks(chunk.length)})${forUpdate}`,
      [...chunk],
    ]);
    for (const r of rows) {
      const l = mapLease(r);
      if (l.leaseId) out.set(l.leaseId, l);
    }
    return out;
  }

  /** Jobs by id in one statement (ids with no job are missing from the map). */
  async jobsByIds(ids: readonly string[], tx: SqlExecutor = this.db): Promise<Map<string, Job>> {
    const want = [...new Set(ids)];
    if (!want.length) return new Map();
    const rows = await tx.all<Record<string, unknown>>(
      `SELECT * FROM jobs WHERE id IN (${marks(want.length)})`,
      want,
    );
    return new Map(rows.map((r) => [String(r.id), mapJob(r)]));
  }

  /** Retries with exponential backoff until maxAttempts, then records the URL as failed. */
  async retryOrFail(
    tx: SqlExecutor,
    id: number,
    attempts: number,
    reason: string,
    detail: string,
    now: number,
    avoidNode: string | null = null,
    backoff = true,
    mayFail = true,
  ): Promise<'retry' | 'failed'> {
    if (mayFail && attempts >= this.config.maxAttempts) {
      await tx.run(
        "UPDATE urls SET state = 'failed', reason = ?, detail = ?, attempts = ?, lease_id = NULL, updated_at = ? WHERE id = ?",
        [reason, detail, attempts, now, id],
      );
      return 'failed';
    }
    const notBefore = backoff ? now + this.config.backoffMs * 2 ** (attempts - 1) : now;
    // A spot check's detail is its task (what it checks, who may not): kept, or its next claim finds no task and
    // fails it as bad_spot_check (one lapsed lease or timeout of its first checker ended every such check).
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = ?, detail = ${KEEP_TASK}, attempts = ?, not_before = ?,
         lease_id = NULL, leased_to = NULL, lease_deadline = NULL, avoid_node = ?, updated_at = ? WHERE id = ?`,
      [reason, detail, attempts, notBefore, avoidNode, now, id],
    );
    return 'retry';
  }

  /**
   * A revoked node's leases go back to the queue at once, for another node, without counting an attempt.
   * Its hosts stay busy until their lease deadline: the revoked node may still be fetching, and the
   * site must not see two of our requests at once.
   */
  async takeBackLeases(nodeId: string, now = this.config.clock()): Promise<number> {
    const r = await this.db.run(
      `UPDATE urls SET state = 'queued', lease_id = NULL, leased_to = NULL, lease_deadline = NULL, avoid_node = ?,
         updated_at = ? WHERE state = 'leased' AND leased_to = ?`,
      [nodeId, now, nodeId],
    );
    return r.changes;
  }

  /**
   * A node as a witness of a policy file: its operator (its own id when it names none; two nodes of one operator
   * are one witness) and its witness network (two operators in one network confirm nothing).
   */
  async witnessOf(tx: SqlExecutor, nodeId: string): Promise<Witness> {
    const r = await tx.get<{ operator: string | null; last_network: string | null }>(
      'SELECT operator, last_network FROM nodes WHERE id = ?',
      [nodeId],
    );
    return witnessOfRow(nodeId, r);
  }

  /**
   * The answers operators gave earlier for this policy file that no other operator confirmed yet (one per
   * operator, oldest first): an answer confirms one with the same effect from another operator (policy-answers.ts).
   */
  async pendingAnswersOf(tx: SqlExecutor, id: number): Promise<PendingAnswer[]> {
    const r = await tx.get<{ detail: string | null }>('SELECT detail FROM urls WHERE id = ?', [id]);
    return parsePendingAnswers(r?.detail ?? null);
  }

  /** Puts a policy file back for a node of another operator, remembering the answers that wait for one. */
  async awaitConfirmation(
    tx: SqlExecutor,
    id: number,
    answers: readonly PendingAnswer[],
    now: number,
  ): Promise<void> {
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = 'awaiting_confirmation', detail = ?, lease_id = NULL,
         leased_to = NULL, lease_deadline = NULL, avoid_node = NULL, not_before = ?, updated_at = ? WHERE id = ?`,
      [pendingDetail(answers), now, now, id],
    );
  }

  /**
   * Puts a URL back for a different node without counting an attempt (the node refused it by its operator's
   * rules). The node joins the URL's refusals: no node that refused it within refusalTtlMs is offered it
   * again (not only the last one, or two nodes taking turns refusing kept it from every other node for good).
   * Then it may be: a cap, active hours or a deny list pass, and a network whose every node refused gets the
   * URL back. avoid_node is left as it was: a spot check's names the node whose capture it checks. Its detail
   * stays: answers other nodes gave before still wait for their confirmation.
   */
  async handBack(
    tx: SqlExecutor,
    id: number,
    nodeId: string,
    now: number,
    reason: typeof REFUSED | typeof REFUSED_ADDRESS = REFUSED,
  ): Promise<void> {
    await this.keepAway(tx, id, nodeId, now, reason, this.config.refusalTtlMs);
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = ?, lease_id = NULL, leased_to = NULL, lease_deadline = NULL,
         not_before = ?, updated_at = ? WHERE id = ?`,
      [reason, now + 1000, now, id],
    );
  }

  /**
   * Drops a finished job's URL rows but the leased ones (a collection keeps only its last few refreshes), with
   * the failures nodes reported for them (url_failures: no other reader, and a live collection's feeds fail
   * every few minutes while their site is down).
   */
  async dropSettledUrls(tx: SqlExecutor, jobId: string): Promise<void> {
    await tx.run(
      "DELETE FROM url_failures WHERE url_id IN (SELECT id FROM urls WHERE job_id = ? AND state <> 'leased')",
      [jobId],
    );
    await tx.run("DELETE FROM urls WHERE job_id = ? AND state <> 'leased'", [jobId]);
  }

  /**
   * Keeps `nodeId` from the URL row `id` for `forMs` (url_refusals, read by every claim while
   * urls.refused_until has not passed): a refusal by its operator's rules (handBack), or a lease it let
   * lapse. A shorter keep never cuts a longer one the node already has.
   */
  keepAway(
    tx: SqlExecutor,
    id: number,
    nodeId: string,
    now: number,
    reason: string,
    forMs: number,
  ): Promise<void> {
    return this.keepOff(tx, KEEP_OFF.url, id, [nodeId], now, reason, forMs);
  }

  /** keepAway and keepFromHost: one keep-off table and the column on its subject's row that says "kept lately". */
  private async keepOff(
    tx: SqlExecutor,
    t: (typeof KEEP_OFF)[keyof typeof KEEP_OFF],
    subject: number | string,
    keys: readonly string[],
    now: number,
    reason: string,
    forMs: number,
  ): Promise<void> {
    const until = now + forMs;
    // Rows past their time are dropped here, every subject's: they are few, so the table holds little more than
    // those in force. Rows another transaction is dropping are skipped, not waited for: this runs inside capture
    // batches' claims, which hold hosts and leases a hand-back waiting on them could need (PostgreSQL would abort
    // one of the two as a deadlock).
    await tx.run(
      `DELETE FROM ${t.table} WHERE (${t.subject}, ${t.key}) IN (
         SELECT ${t.subject}, ${t.key} FROM ${t.table} WHERE expires_at <= ?${this.skipLocked})`,
      [now],
    );
    for (const key of new Set(keys))
      await tx.run(
        `INSERT INTO ${t.table} (${t.subject}, ${t.key}, reason, refused_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (${t.subject}, ${t.key}) DO UPDATE SET reason = excluded.reason, refused_at = excluded.refused_at,
           expires_at = CASE WHEN ${t.table}.expires_at > excluded.expires_at THEN ${t.table}.expires_at
             ELSE excluded.expires_at END`,
        [subject, key, reason, now, until],
      );
    await tx.run(
      `UPDATE ${t.rows} SET ${t.until} = CASE WHEN ${t.until} > ? THEN ${t.until} ELSE ? END WHERE ${t.rowKey} = ?`,
      [until, until, subject],
    );
  }

  async settle(
    tx: SqlExecutor,
    id: number,
    state: 'stored' | 'skipped' | 'failed',
    reason: string | null,
    detail: string | null = null,
    captureId: string | null = null,
  ): Promise<void> {
    await tx.run(
      'UPDATE urls SET state = ?, reason = ?, detail = ?, capture_id = ?, lease_id = NULL, updated_at = ? WHERE id = ?',
      [state, reason, detail, captureId, Date.now(), id],
    );
  }

  /** settle() for many URL rows in one statement (a batch of captures), each with its own answer. */
  async settleMany(
    tx: SqlExecutor,
    rows: readonly {
      id: number;
      state: 'stored' | 'skipped' | 'failed';
      reason: string | null;
      detail: string | null;
      captureId: string;
    }[],
  ): Promise<void> {
    const now = Date.now();
    // Typed on the first row: PostgreSQL types a VALUES list's columns from it (text otherwise).
    await inChunks(tx, rows, (chunk) => [
      `WITH v (id, state, reason, detail, capture_id) AS (VALUES ${valuesList(chunk.length, [
        'CAST(? AS BIGINT)',
        'CAST(? AS TEXT)',
        'CAST(? AS TEXT)',
        'CAST(? AS TEXT)',
        'CAST(? AS TEXT)',
      ])})
       UPDATE urls SET state = v.state, reason = v.reason, detail = v.detail, capture_id = v.capture_id,
         lease_id = NULL, updated_at = ? FROM v WHERE urls.id = v.id`,
      [...chunk.flatMap((r) => [r.id, r.state, r.reason, r.detail, r.captureId]), now],
    ]);
  }

  /**
   * Frees an origin after any answer (page, policy file, spot check or failure) and sets when it may be
   * asked again: max(robots.txt Crawl-delay for SwardBot, hostDelayMs). Read here, in one place, so no
   * path can forget the delay. An origin whose Crawl-delay is too long gets no more requests but its
   * robots.txt once per policyTtlMs, so its queued URLs are skipped at once rather than after the delay.
   */
  async releaseHost(tx: SqlExecutor, origin: string, now: number, atLeastMs = 0): Promise<void> {
    let delayMs = 0;
    if (this.config.politeness) {
      delayMs = Math.max(this.delayAfterAnswer(await this.hostPolicy(tx, origin)), atLeastMs);
    }
    await tx.run('UPDATE hosts SET busy_until = 0, next_at = ? WHERE origin = ?', [now + delayMs, origin]);
  }

  /** releaseHost() for the origins a batch of captures answered: one read and one write per distinct delay. */
  async releaseHosts(tx: SqlExecutor, origins: readonly string[], now: number): Promise<void> {
    const all = [...new Set(origins)];
    if (!all.length) return;
    const byDelay = new Map<number, string[]>();
    if (!this.config.politeness) byDelay.set(0, all);
    else {
      const hosts = await tx.all<Record<string, unknown>>(
        `SELECT * FROM hosts WHERE origin IN (${marks(all.length)})`,
        all,
      );
      const policy = new Map(hosts.map((h) => [String(h.origin), mapHostPolicy(h)]));
      for (const origin of all) {
        const delayMs = this.delayAfterAnswer(policy.get(origin));
        byDelay.set(delayMs, [...(byDelay.get(delayMs) ?? []), origin]);
      }
    }
    for (const [delayMs, list] of byDelay)
      await tx.run(`UPDATE hosts SET busy_until = 0, next_at = ? WHERE origin IN (${marks(list.length)})`, [
        now + delayMs,
        ...list,
      ]);
  }

  /**
   * With politeness on, how long an origin waits after an answer: max(its robots.txt Crawl-delay, hostDelayMs),
   * or hostDelayMs alone when the Crawl-delay is too long to honour (its URLs are skipped, not waited for).
   */
  private delayAfterAnswer(h: HostPolicy | undefined): number {
    const crawlDelay = h ? crawlDelayOf(h) : 0;
    return crawlDelayTooLong(crawlDelay, this.config)
      ? this.config.hostDelayMs
      : Math.max(crawlDelay, this.config.hostDelayMs);
  }

  async hostPolicy(tx: SqlExecutor, origin: string): Promise<HostPolicy | undefined> {
    const h = await tx.get<Record<string, unknown>>('SELECT * FROM hosts WHERE origin = ?', [origin]);
    return h ? mapHostPolicy(h) : undefined;
  }

  /** The origin's robots.txt verdict from now on, and the policy answer (`source`) it comes from. */
  async setRobots(
    tx: SqlExecutor,
    origin: string,
    state: RobotsState,
    txt: string | null,
    source: PolicySource,
  ) {
    const doc = await insertPolicyDoc(tx, origin, 'robots', state, txt, source);
    await tx.run(
      'UPDATE hosts SET robots_state = ?, robots_txt = ?, robots_status = ?, policy_at = ?, robots_doc = ? WHERE origin = ?',
      [state, txt, source.status, this.config.clock(), doc, origin],
    );
  }

  /** An RSL licence's answer for `origin` (null text: none could be read), and the answer it comes from. */
  async setLicence(
    tx: SqlExecutor,
    origin: string,
    xml: string | null,
    source: PolicySource,
  ): Promise<number> {
    return insertPolicyDoc(tx, origin, 'rsl', xml === null ? 'none' : 'fetched', xml, source);
  }

  /** Moves a queued URL's next try to `notBefore` (a page waiting for something other than its site). */
  async deferTo(tx: SqlExecutor, id: number, notBefore: number): Promise<void> {
    await tx.run("UPDATE urls SET not_before = ? WHERE id = ? AND state = 'queued'", [notBefore, id]);
  }

  /**
   * Asks for an RSL licence a page of `origin` named: its policy-file row is queued (again, once answered)
   * ahead of the origin's pages (depth -1), unless a node holds it now.
   */
  async wantLicence(tx: SqlExecutor, origin: string, url: string, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO urls (job_id, url, origin, kind, depth, state, created_at, updated_at)
       VALUES (?, ?, ?, 'rsl', -1, 'queued', ?, ?) ON CONFLICT (job_id, kind, url) DO NOTHING`,
      [POLICY_JOB, url, origin, now, now],
    );
    await tx.run(
      `UPDATE urls SET state = 'queued', not_before = 0, depth = -1, updated_at = ?
       WHERE job_id = ? AND kind = 'rsl' AND url = ? AND state NOT IN ('queued', 'leased')`,
      [now, POLICY_JOB, url],
    );
  }

  /** The origin's tdmrep.json from now on (null: none, so no reservation), and the answer it comes from. */
  async setTdmRep(tx: SqlExecutor, origin: string, json: string | null, source: PolicySource) {
    const doc = await insertPolicyDoc(tx, origin, 'tdmrep', json === null ? 'none' : 'fetched', json, source);
    await tx.run(
      "UPDATE hosts SET tdmrep_state = 'fetched', tdmrep = ?, tdmrep_at = ?, tdmrep_doc = ? WHERE origin = ?",
      [json, this.config.clock(), doc, origin],
    );
  }

  async enqueue(tx: SqlExecutor, jobId: string, urls: readonly NewUrl[]): Promise<void> {
    await enqueue(tx, jobId, urls);
  }

  /** Final URLs of redirect chains now stored: marked seen (skipped as duplicates) so none is fetched again. */
  async markStoredViaRedirect(
    tx: SqlExecutor,
    rows: readonly { jobId: string; url: string; depth: number; from: string }[],
  ): Promise<void> {
    const now = Date.now();
    await inChunks(tx, rows, (chunk) => [
      `INSERT INTO urls (job_id, url, origin, kind, depth, state, reason, detail, created_at, updated_at)
       VALUES ${valuesList(chunk.length, ['?', '?', '?', "'page'", '?', "'skipped'", "'duplicate'", '?', '?', '?'])}
       ON CONFLICT (job_id, kind, url) DO NOTHING`,
      chunk.flatMap((r) => [
        r.jobId,
        r.url,
        new URL(r.url).origin,
        r.depth,
        `stored via redirect from ${r.from}`,
        now,
        now,
      ]),
    ]);
  }

  /**
   * Jobs left running though nothing of them is open: captured (every URL answered), no URL queued or leased,
   * no document pending. finishIfDone runs in the transactions that close a job's last pieces; two of them
   * that take no common row (a lease claim skipping a job's last URLs and an extraction round storing its
   * last document) can each read the other's work as not done yet (PostgreSQL, READ COMMITTED) and leave
   * such a job. This ends them as finishIfDone would have; the extraction pool runs it when idle. Returns
   * how many it ended.
   */
  async finishStalled(now: number): Promise<number> {
    const r = await this.db.run(
      `UPDATE jobs SET state = 'done', finished_at = ?
       WHERE state = 'running' AND captured_at IS NOT NULL AND id <> ?
         AND NOT EXISTS (SELECT 1 FROM extract_queue q WHERE q.job_id = jobs.id)
         AND NOT EXISTS (SELECT 1 FROM urls u WHERE u.job_id = jobs.id AND u.state IN ('queued', 'leased'))`,
      [now, POLICY_JOB],
    );
    return r.changes;
  }

  /**
   * A job is done when nothing is queued or leased, or when it has stored maxPages pages.
   *
   * `lockJob` (PostgreSQL): take the job's row first, for a caller that does not hold it already (ingest
   * does). Two transactions that each close a job's last piece, a capture or failure settling its last URL
   * and an extraction round storing its last document, otherwise each read the other's work as not done yet
   * (READ COMMITTED) and both leave the job running for good; with the row lock the later one waits and
   * reads what the earlier committed. Seen in the scale-out bench: every page stored and documented, the job
   * still running minutes later.
   */
  async finishIfDone(tx: SqlExecutor, jobId: string, lockJob = false): Promise<void> {
    if (jobId === POLICY_JOB) return;
    if (lockJob && this.db.dialect === 'postgres')
      await tx.run('SELECT id FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
    // The job and whether any of its URLs is queued or leased (whether, not how many: a count walks every
    // queued URL of a large crawl per batch), in one statement: this runs after every capture batch.
    const r = await tx.get<Record<string, unknown>>(
      `SELECT j.*,
         EXISTS (SELECT 1 FROM urls u WHERE u.job_id = j.id AND u.state = 'queued') AS any_queued,
         EXISTS (SELECT 1 FROM urls u WHERE u.job_id = j.id AND u.state = 'leased') AS any_leased
       FROM jobs j WHERE j.id = ?`,
      [jobId],
    );
    const job = r ? mapJob(r) : undefined;
    if (job?.state === 'cancelled' && job.finishedAt === null) return finishCancelled(tx, jobId, Date.now());
    if (!r || job?.state !== 'running') return;
    const now = Date.now();
    const full = job.stored >= job.options.maxPages;
    if (full) {
      await tx.run(
        "UPDATE urls SET state = 'skipped', reason = 'max_pages', updated_at = ? WHERE job_id = ? AND state = 'queued'",
        [now, jobId],
      );
    }
    // a full job's queued URLs were just skipped: only its leased ones keep it open
    const open = truthy(r.any_leased) || (!full && truthy(r.any_queued));
    if (!open) {
      // Captured: nothing left to fetch. Done: every stored page has its document too (extract_queue empty).
      await tx.run('UPDATE jobs SET captured_at = ? WHERE id = ? AND captured_at IS NULL', [now, jobId]);
      const extracting = await tx.get('SELECT 1 AS x FROM extract_queue WHERE job_id = ? LIMIT 1', [jobId]);
      if (!extracting)
        await tx.run("UPDATE jobs SET state = 'done', finished_at = ? WHERE id = ? AND state = 'running'", [
          now,
          jobId,
        ]);
    }
  }
}

/** Rows per multi-row INSERT, well under both backends' bound-parameter limits. */
const ENQUEUE_CHUNK = 200;

/** Adds URLs (and their origins) to a job's frontier; known URLs are left as they are. Multi-row inserts,
 * because a page's links arrive together and one statement per link dominated ingest time. */
async function enqueue(tx: SqlExecutor, jobId: string, urls: readonly NewUrl[]): Promise<void> {
  const now = Date.now();
  const rows = urls.map(({ url, depth, kind }) => ({
    url,
    depth,
    kind: kind ?? 'page',
    origin: new URL(url).origin,
  }));
  const origins = [...new Set(rows.map((r) => r.origin))];
  for (let i = 0; i < origins.length; i += ENQUEUE_CHUNK) {
    const chunk = origins.slice(i, i + ENQUEUE_CHUNK);
    await tx.run(
      `INSERT INTO hosts (origin) VALUES ${chunk.map(() => '(?)').join(', ')} ON CONFLICT (origin) DO NOTHING`,
      chunk,
    );
  }
  for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
    const chunk = rows.slice(i, i + ENQUEUE_CHUNK);
    await tx.run(
      `INSERT INTO urls (job_id, url, origin, kind, depth, state, created_at, updated_at)
       VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, 'queued', ?, ?)").join(', ')}
       ON CONFLICT (job_id, kind, url) DO NOTHING`,
      chunk.flatMap((r) => [jobId, r.url, r.origin, r.kind, r.depth, now, now]),
    );
  }
}

/** A boolean column as either backend returns it (SQLite 0/1, PostgreSQL true/false). */
const truthy = (v: unknown): boolean => v === true || Number(v) === 1;

function mapLease(r: Record<string, unknown>): LeaseRow {
  return {
    id: Number(r.id),
    jobId: String(r.job_id),
    url: String(r.url),
    origin: String(r.origin),
    kind: r.kind as UrlKind,
    depth: Number(r.depth),
    state: r.state as LeaseRow['state'],
    attempts: Number(r.attempts),
    leaseId: (r.lease_id as string | null) ?? null,
    leasedTo: (r.leased_to as string | null) ?? null,
    leaseDeadline: r.lease_deadline == null ? null : Number(r.lease_deadline),
    reason: (r.reason as string | null) ?? null,
    detail: (r.detail as string | null) ?? null,
    robotsDoc: r.robots_doc == null ? null : Number(r.robots_doc),
    tdmrepDoc: r.tdmrep_doc == null ? null : Number(r.tdmrep_doc),
  };
}

function mapHostPolicy(h: Record<string, unknown>): HostPolicy {
  return {
    origin: String(h.origin),
    robotsState: String(h.robots_state),
    robotsTxt: (h.robots_txt as string | null) ?? null,
    tdmrepState: String(h.tdmrep_state),
    tdmrep: (h.tdmrep as string | null) ?? null,
    robotsDoc: h.robots_doc == null ? null : Number(h.robots_doc),
    tdmrepDoc: h.tdmrep_doc == null ? null : Number(h.tdmrep_doc),
  };
}

// A stored job is read as it was accepted: a seed taken by an older, laxer check must not make it unreadable.
const storedOptionsSchema = crawlRequestObject.extend({ seed: z.string() });

// A job's options never change and are read on every capture: parsed once per distinct text.
const parsedOptions = new Map<string, Job['options']>();
function jobOptions(text: string): Job['options'] {
  let o = parsedOptions.get(text);
  if (!o) {
    o = storedOptionsSchema.parse(JSON.parse(text));
    if (parsedOptions.size >= 1000) parsedOptions.clear();
    parsedOptions.set(text, o);
  }
  return o;
}

function mapJob(r: Record<string, unknown>): Job {
  return {
    id: String(r.id),
    seed: String(r.seed),
    options: jobOptions(String(r.options)),
    state: r.state as Job['state'],
    stored: Number(r.stored),
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at == null ? null : Number(r.finished_at),
    capturedAt: r.captured_at == null ? null : Number(r.captured_at),
    collectionId: (r.collection_id as string | null) ?? null,
  };
}
