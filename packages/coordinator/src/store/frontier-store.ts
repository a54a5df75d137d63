import {
  parseTdmRep,
  type RobotsState,
  robotsVerdict,
  type Takedown,
  takedownMatches,
  tdmReserved,
} from '@sward/core';
import { z } from 'zod';
import { heldValidators } from '../collections/collection-ingest.js';
import { type CrawlOptions, crawlRequestSchema } from '../crawl/job-options.js';
import { mayCheck } from '../spot-check/eligibility.js';
import { parseSpotCheckTask } from '../spot-check/task.js';
import { newId } from './ids.js';
import { handBackNodeLeases, silentLeaseHolders } from './lease-handback.js';
import { insertPolicyDoc, type PolicySource, TDMREP_FILE_SKIP } from './policy-docs.js';
import { DAY_MS, type QuotaStore, windowStart } from './quota-store.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import type { TakedownStore } from './takedown-store.js';
import type { HostPolicy, Job, JobProgress, Lease, LeaseRow, SchedulerConfig, UrlKind } from './types.js';

/**
 * Policy files are fetched per origin under this pseudo-job, shared by every crawl of the origin, and
 * fetched again once older than policyTtlMs.
 */
export const POLICY_JOB = '_policy';

/** A queued URL's reason after a node refused it by its operator's rules (handBack). */
const REFUSED = 'refused_by_node';

/** A policy answer that would close an origin, waiting for another operator's node to confirm it. */
export interface ClosingAnswer {
  nodeId: string;
  operator: string;
  /** What the answer said, e.g. "robots.txt answered 503" or "CONNECT: refused". */
  verdict: string;
  at: number;
}

function parseClosingAnswer(detail: string | null): ClosingAnswer | null {
  if (!detail?.startsWith('{"closing"')) return null;
  try {
    const c = (JSON.parse(detail) as { closing?: ClosingAnswer }).closing;
    return c && typeof c.operator === 'string' && typeof c.at === 'number' ? c : null;
  } catch {
    return null;
  }
}

/** Who a job belongs to: its tenant, and the key that created it (none for a collection's refresh). */
export interface JobOwner {
  tenant: string | null;
  apiKeyId?: string | null;
}

export interface NewUrl {
  url: string;
  depth: number;
  /** 'page' (default), or 'feed' for a live collection's feed / sitemap / source of unknown type. */
  kind?: 'page' | 'feed';
}

/**
 * Jobs and the frontier: what is queued, who holds which lease, and when each origin may be asked
 * again. Every state change happens in one transaction, so a SIGKILL leaves either the old or the new
 * state; leases out at the time of a crash simply expire and go to another node.
 */
export class FrontierStore {
  /** Wall-clock start: nodes get a full nodeTimeoutMs to reach a coordinator that has just started. */
  private readonly startedAt = Date.now();
  private lastSilentSweep = 0;

  constructor(
    private readonly db: SqlDriver,
    readonly config: SchedulerConfig,
    private readonly quotas: QuotaStore,
    private readonly takedowns: TakedownStore,
  ) {}

  private get skipLocked(): string {
    return this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
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
    await tx.run(
      `INSERT INTO jobs (id, api_key_id, tenant_id, seed, options, state, created_at, collection_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        owner.apiKeyId ?? null,
        owner.tenant,
        opts.seed,
        JSON.stringify(opts),
        'running',
        Date.now(),
        collectionId,
      ],
    );
    await enqueue(tx, id, urls);
    return id;
  }

  async getJob(id: string, tx: SqlExecutor = this.db): Promise<Job | undefined> {
    const r = await tx.get<Record<string, unknown>>('SELECT * FROM jobs WHERE id = ?', [id]);
    return r ? mapJob(r) : undefined;
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
    };
    const rows = await this.db.all<{ state: string; reason: string | null; n: number }>(
      "SELECT state, reason, count(*) AS n FROM urls WHERE job_id = ? AND kind = 'page' GROUP BY state, reason",
      [jobId],
    );
    for (const r of rows) {
      const n = Number(r.n);
      const s = r.state as keyof Pick<JobProgress, 'queued' | 'leased' | 'stored' | 'skipped' | 'failed'>;
      p[s] += n;
      if (s === 'skipped')
        p.skippedByReason[r.reason ?? 'unknown'] = (p.skippedByReason[r.reason ?? 'unknown'] ?? 0) + n;
      if (s === 'failed')
        p.failedByReason[r.reason ?? 'unknown'] = (p.failedByReason[r.reason ?? 'unknown'] ?? 0) + n;
    }
    const nodes = await this.db.all<{ node_id: string; n: number }>(
      "SELECT node_id, count(*) AS n FROM captures WHERE job_id = ? AND outcome = 'stored' GROUP BY node_id",
      [jobId],
    );
    for (const r of nodes) p.pagesByNode[r.node_id] = Number(r.n);
    return p;
  }

  /**
   * Hands out up to `max` leases to `nodeId`. With politeness on, an origin gets one request at a time
   * and waits max(Crawl-delay, hostDelayMs) after each answer; robots.txt and tdmrep.json are fetched
   * (through a node, like any page) before the first page of an origin is leased, and again when older
   * than policyTtlMs. An origin whose Crawl-delay exceeds maxCrawlDelayMs gets no tdmrep.json request:
   * none of its pages will be fetched.
   */
  async claim(nodeId: string, max: number, now = this.config.clock()): Promise<Lease[]> {
    const touched = new Set<string>();
    const leases = await this.db.transaction(async (tx) => {
      await this.expireLeases(tx, now, touched);
      await this.releaseSilentNodes(tx, now, touched);
      const cap = this.config.quotas.leasesPerNode;
      if (cap > 0) {
        const held = await tx.get<{ n: number }>(
          "SELECT count(*) AS n FROM urls WHERE state = 'leased' AND leased_to = ?",
          [nodeId],
        );
        max = Math.min(max, cap - Number(held?.n ?? 0));
        if (max <= 0) {
          for (const jobId of touched) await this.finishIfDone(tx, jobId);
          return [];
        }
      }
      const polite = this.config.politeness;
      const hosts = await tx.all<Record<string, unknown>>(
        `SELECT origin, robots_state, robots_txt, tdmrep_state, tdmrep, policy_at, tdmrep_at, robots_doc, tdmrep_doc
         FROM hosts h
         WHERE ${polite ? 'h.busy_until <= ? AND h.next_at <= ? AND ' : ''}
           EXISTS (SELECT 1 FROM urls u WHERE u.origin = h.origin AND u.state = 'queued' AND u.not_before <= ?)
         ORDER BY h.next_at LIMIT ?${this.skipLocked}`,
        [...(polite ? [now, now] : []), now, Math.max(max * 4, 8)],
      );
      const out: Lease[] = [];
      for (const h of hosts) {
        if (out.length >= max) break;
        const host = mapHostPolicy(h);
        const ttl = this.config.policyTtlMs;
        const robotsStale = h.policy_at != null && now - Number(h.policy_at) > ttl;
        // A tdmrep.json fetched before its time was recorded (tdmrep_at null) is as stale as an old one.
        const tdmStale =
          host.tdmrepState !== 'unknown' && (h.tdmrep_at == null || now - Number(h.tdmrep_at) > ttl);
        const takedowns = await this.takedowns.forHosts([new URL(host.origin).hostname], tx);
        // A host taken down whole gets no request at all, not even for its robots.txt.
        const wholeHost = takedowns.some((t) => t.kind !== 'url' && takedownMatches(t, `${host.origin}/`));
        const policy = wholeHost
          ? null
          : host.robotsState === 'unknown' || robotsStale
            ? 'robots'
            : (host.tdmrepState === 'unknown' || tdmStale) && !this.tooSlow(host)
              ? 'tdmrep'
              : null;
        const got: Lease[] = policy
          ? await this.leasePolicy(tx, host.origin, policy, nodeId, now)
          : await this.leasePages(tx, host, nodeId, polite ? 1 : max - out.length, now, touched, takedowns);
        if (got.length && polite) {
          await tx.run('UPDATE hosts SET busy_until = ? WHERE origin = ?', [
            now + this.config.leaseMs,
            host.origin,
          ]);
        }
        out.push(...got);
      }
      for (const jobId of touched) await this.finishIfDone(tx, jobId);
      return out;
    });
    return leases;
  }

  private async leasePolicy(tx: SqlExecutor, origin: string, kind: UrlKind, nodeId: string, now: number) {
    const url = kind === 'robots' ? `${origin}/robots.txt` : `${origin}/.well-known/tdmrep.json`;
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
      avoid_node: string | null;
    }>(
      `SELECT id, state, reason, detail, avoid_node FROM urls WHERE job_id = ? AND kind = ? AND url = ?${this.skipLocked}`,
      [POLICY_JOB, kind, url],
    );
    if (!row || row.state === 'leased') return [];
    // A node that refused the file by its own rules is not asked again; one whose answer would close the
    // origin waits for a node of another operator to confirm it (policyConfirmMs, then anyone).
    if (row.avoid_node === nodeId && row.reason === REFUSED) return [];
    const pending = parseClosingAnswer(row.detail);
    if (pending && now - pending.at < this.config.policyConfirmMs) {
      if (pending.operator === (await this.operatorOf(tx, nodeId))) return [];
    }
    // A policy file answered before (stale now) is fetched again: requeue its row.
    return [await this.lease(tx, Number(row.id), POLICY_JOB, url, kind, nodeId, now)];
  }

  private async leasePages(
    tx: SqlExecutor,
    host: HostPolicy,
    nodeId: string,
    want: number,
    now: number,
    touched: Set<string>,
    takedowns: readonly Takedown[],
  ): Promise<Lease[]> {
    const out: Lease[] = [];
    const day = windowStart(now, DAY_MS);
    const rules = host.tdmrep ? parseTdmRep(host.tdmrep) : [];
    const tooSlow = this.tooSlow(host);
    const docs = { robots: host.robotsDoc, tdmrep: host.tdmrepDoc };
    const jobCache = new Map<
      string,
      {
        max: number;
        used: number;
        running: boolean;
        collectionId: string | null;
        keyId: string | null;
        pagesPerDay: number;
      }
    >();
    const nodeFacts = new Map();
    // Rows left queued (job full, node not allowed to check) are stepped over, not re-read each round.
    let offset = 0;
    for (let round = 0; round < 5 && out.length < want; round++) {
      const rows = await tx.all<Record<string, unknown>>(
        `SELECT id, job_id, url, kind, detail FROM urls
         WHERE origin = ? AND state = 'queued' AND kind IN ('page', 'feed', 'spotcheck') AND not_before <= ?
           AND (avoid_node IS NULL OR avoid_node <> ?)
         ORDER BY depth, id LIMIT ? OFFSET ?${this.skipLocked}`,
        [host.origin, now, nodeId, Math.max(want * 2, 16), offset],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        if (out.length >= want) break;
        const id = Number(r.id);
        const jobId = String(r.job_id);
        const url = String(r.url);
        if (takedowns.some((t) => takedownMatches(t, url))) {
          await this.decide(tx, id, 'takedown', 'removed by a takedown (GET /v1/takedowns)', null, null);
          touched.add(jobId);
          continue;
        }
        if (r.kind === 'spotcheck') {
          const task = parseSpotCheckTask((r.detail as string | null) ?? null);
          if (tooSlow) {
            await this.decide(tx, id, 'crawl_delay_too_long', this.tooSlowDetail(host), docs.robots, null);
          } else if (!task) {
            await this.settle(tx, id, 'failed', 'bad_spot_check');
          } else if (await mayCheck(tx, nodeId, task, nodeFacts)) {
            out.push(await this.lease(tx, id, jobId, url, 'spotcheck', nodeId, now));
          } else offset++;
          continue;
        }
        let job = jobCache.get(jobId);
        if (!job) {
          const j = await this.getJob(jobId, tx);
          const key = await tx.get<{ id: string; pages_per_day: number | null }>(
            'SELECT k.id, k.pages_per_day FROM jobs j JOIN api_keys k ON k.id = j.api_key_id WHERE j.id = ?',
            [jobId],
          );
          const leased = await tx.get<{ n: number }>(
            "SELECT count(*) AS n FROM urls WHERE job_id = ? AND state = 'leased' AND kind = 'page'",
            [jobId],
          );
          job = {
            max: j?.options.maxPages ?? 0,
            used: (j?.stored ?? 0) + Number(leased?.n ?? 0),
            running: j?.state === 'running',
            collectionId: j?.collectionId ?? null,
            keyId: key?.id ?? null,
            pagesPerDay: key?.pages_per_day ?? this.config.quotas.pagesPerDay,
          };
          jobCache.set(jobId, job);
        }
        // A collection's feeds do not count as pages; its page count is capped when entries are queued.
        const counted = r.kind === 'page';
        if (!job.running || (counted && job.used >= job.max)) {
          touched.add(jobId);
          offset++;
          continue;
        }
        const verdict = robotsVerdict(host.origin, host.robotsState as RobotsState, host.robotsTxt, url);
        // Each decision records the policy answers it rests on (urls.robots_doc / tdmrep_doc): compliance.json.
        if (!verdict.allowed) {
          const reason = host.robotsState === 'disallow-all' ? 'robots_unavailable' : 'robots';
          await this.decide(tx, id, reason, null, docs.robots, null);
          touched.add(jobId);
          continue;
        }
        if (tooSlow) {
          await this.decide(tx, id, 'crawl_delay_too_long', this.tooSlowDetail(host), docs.robots, null);
          touched.add(jobId);
          continue;
        }
        if (tdmReserved(rules, url)) {
          await this.decide(
            tx,
            id,
            TDMREP_FILE_SKIP.reason,
            TDMREP_FILE_SKIP.detail,
            docs.robots,
            docs.tdmrep,
          );
          touched.add(jobId);
          continue;
        }
        // The key's pages for the day: a URL over it stays queued until the next UTC day.
        if (
          counted &&
          job.keyId &&
          job.pagesPerDay > 0 &&
          !(await this.quotas.take(job.keyId, 'pages', day, job.pagesPerDay, tx))
        ) {
          offset++;
          continue;
        }
        const kind = r.kind as UrlKind;
        const lease = await this.lease(tx, id, jobId, url, kind, nodeId, now, docs);
        if (job.collectionId) {
          const conditional = await heldValidators(tx, job.collectionId, url);
          if (conditional) lease.conditional = conditional;
        }
        out.push(lease);
        if (counted) job.used++;
      }
    }
    return out;
  }

  private async lease(
    tx: SqlExecutor,
    id: number,
    jobId: string,
    url: string,
    kind: UrlKind,
    nodeId: string,
    now: number,
    docs: { robots: number | null; tdmrep: number | null } = { robots: null, tdmrep: null },
  ): Promise<Lease> {
    const leaseId = newId('l');
    const deadline = now + this.config.leaseMs;
    await tx.run(
      `UPDATE urls SET state = 'leased', lease_id = ?, leased_to = ?, lease_deadline = ?, updated_at = ?,
         robots_doc = ?, tdmrep_doc = ? WHERE id = ?`,
      [leaseId, nodeId, deadline, now, docs.robots, docs.tdmrep, id],
    );
    return { leaseId, jobId, url, kind, deadline };
  }

  /** Skips a URL by policy, recording which policy answers the decision rests on. */
  private async decide(
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

  /** robots.txt asks for a longer Crawl-delay than this coordinator will wait: the origin is not crawled. */
  private tooSlow(host: HostPolicy): boolean {
    return this.crawlDelayMs(host) > this.config.maxCrawlDelayMs;
  }

  private tooSlowDetail(host: HostPolicy): string {
    return `robots.txt asks for Crawl-delay: ${this.crawlDelayMs(host) / 1000} s; this coordinator waits at most ${this.config.maxCrawlDelayMs / 1000} s (--max-crawl-delay)`;
  }

  private crawlDelayMs(host: HostPolicy): number {
    const { origin, robotsState, robotsTxt } = host;
    return robotsVerdict(origin, robotsState as RobotsState, robotsTxt, `${origin}/`).crawlDelayMs;
  }

  /** Leases past their deadline go back to the queue for another node, counted as an attempt. */
  private async expireLeases(tx: SqlExecutor, now: number, touched: Set<string>): Promise<void> {
    const expired = await tx.all<{ id: number; job_id: string; attempts: number; leased_to: string }>(
      `SELECT id, job_id, attempts, leased_to FROM urls WHERE state = 'leased' AND lease_deadline < ?${this.skipLocked}`,
      [now],
    );
    for (const r of expired) {
      // Another node can take it at once: the site did not fail, the node did.
      await this.retryOrFail(
        tx,
        Number(r.id),
        Number(r.attempts) + 1,
        'lease_expired',
        'node missed the lease deadline',
        now,
        r.leased_to,
        false,
      );
      touched.add(r.job_id);
    }
  }

  /**
   * Leases of nodes not heard from for nodeTimeoutMs go back to the queue (lease-handback.ts). Looked at
   * once a second at most: the long-poll claims every 25 ms.
   */
  private async releaseSilentNodes(tx: SqlExecutor, now: number, touched: Set<string>): Promise<void> {
    const timeout = this.config.nodeTimeoutMs;
    const wall = Date.now();
    if (timeout <= 0 || wall - this.startedAt < timeout || wall - this.lastSilentSweep < 1000) return;
    this.lastSilentSweep = wall;
    for (const nodeId of await silentLeaseHolders(tx, wall - timeout)) {
      const r = await handBackNodeLeases(tx, this, this.skipLocked, nodeId, 'node_gone', now);
      for (const j of r.jobs) touched.add(j);
    }
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
    if (!r) return undefined;
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
      detail: (r.detail as string | null) ?? null,
    };
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
  ): Promise<'retry' | 'failed'> {
    if (attempts >= this.config.maxAttempts) {
      await tx.run(
        "UPDATE urls SET state = 'failed', reason = ?, detail = ?, attempts = ?, lease_id = NULL, updated_at = ? WHERE id = ?",
        [reason, detail, attempts, now, id],
      );
      return 'failed';
    }
    const notBefore = backoff ? now + this.config.backoffMs * 2 ** (attempts - 1) : now;
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = ?, detail = ?, attempts = ?, not_before = ?, lease_id = NULL,
         leased_to = NULL, lease_deadline = NULL, avoid_node = ?, updated_at = ? WHERE id = ?`,
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

  /** A node's operator (its own id when it names none): two nodes of one operator are one witness. */
  async operatorOf(tx: SqlExecutor, nodeId: string): Promise<string> {
    const r = await tx.get<{ operator: string | null }>('SELECT operator FROM nodes WHERE id = ?', [nodeId]);
    return r?.operator || nodeId;
  }

  /**
   * The closing answer an operator gave earlier for this policy file and no other operator confirmed yet,
   * or null. An answer confirms it when it comes from another operator, or after policyConfirmMs.
   */
  async closingAnswerOf(tx: SqlExecutor, id: number): Promise<ClosingAnswer | null> {
    const r = await tx.get<{ detail: string | null }>('SELECT detail FROM urls WHERE id = ?', [id]);
    return parseClosingAnswer(r?.detail ?? null);
  }

  /** Puts a policy file back for a node of another operator, remembering the answer that would close the origin. */
  async awaitConfirmation(tx: SqlExecutor, id: number, answer: ClosingAnswer, now: number): Promise<void> {
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = 'awaiting_confirmation', detail = ?, lease_id = NULL,
         leased_to = NULL, lease_deadline = NULL, avoid_node = NULL, not_before = ?, updated_at = ? WHERE id = ?`,
      [JSON.stringify({ closing: answer }), now, now, id],
    );
  }

  /** Puts a URL back for a different node without counting an attempt (the node refused it by policy). */
  async handBack(tx: SqlExecutor, id: number, nodeId: string, now: number): Promise<void> {
    await tx.run(
      `UPDATE urls SET state = 'queued', reason = ?, lease_id = NULL, leased_to = NULL, lease_deadline = NULL,
         avoid_node = ?, not_before = ?, updated_at = ? WHERE id = ?`,
      [REFUSED, nodeId, now + 1000, now, id],
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

  /**
   * Frees an origin after any answer (page, policy file, spot check or failure) and sets when it may be
   * asked again: max(robots.txt Crawl-delay for SwardBot, hostDelayMs). Read here, in one place, so no
   * path can forget the delay. An origin whose Crawl-delay is too long gets no more requests but its
   * robots.txt once per policyTtlMs, so its queued URLs are skipped at once rather than after the delay.
   */
  async releaseHost(tx: SqlExecutor, origin: string, now: number): Promise<void> {
    let delayMs = 0;
    if (this.config.politeness) {
      const h = await this.hostPolicy(tx, origin);
      const crawlDelay = h ? this.crawlDelayMs(h) : 0;
      delayMs =
        crawlDelay > this.config.maxCrawlDelayMs
          ? this.config.hostDelayMs
          : Math.max(crawlDelay, this.config.hostDelayMs);
    }
    await tx.run('UPDATE hosts SET busy_until = 0, next_at = ? WHERE origin = ?', [now + delayMs, origin]);
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

  /** A job is done when nothing is queued or leased, or when it has stored maxPages pages. */
  async finishIfDone(tx: SqlExecutor, jobId: string): Promise<void> {
    if (jobId === POLICY_JOB) return;
    const job = await this.getJob(jobId, tx);
    if (job?.state !== 'running') return;
    const now = Date.now();
    if (job.stored >= job.options.maxPages) {
      await tx.run(
        "UPDATE urls SET state = 'skipped', reason = 'max_pages', updated_at = ? WHERE job_id = ? AND state = 'queued'",
        [now, jobId],
      );
    }
    const open = await tx.get<{ n: number }>(
      "SELECT count(*) AS n FROM urls WHERE job_id = ? AND state IN ('queued', 'leased')",
      [jobId],
    );
    if (Number(open?.n ?? 0) === 0) {
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
const storedOptionsSchema = crawlRequestSchema.extend({ seed: z.string() });

function mapJob(r: Record<string, unknown>): Job {
  return {
    id: String(r.id),
    seed: String(r.seed),
    options: storedOptionsSchema.parse(JSON.parse(String(r.options))),
    state: r.state as Job['state'],
    stored: Number(r.stored),
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at == null ? null : Number(r.finished_at),
    collectionId: (r.collection_id as string | null) ?? null,
  };
}
