import {
  jobPurpose,
  pagePriceMicros,
  parseTdmRep,
  type RobotsState,
  robotsVerdict,
  type Takedown,
  takedownMatches,
  tdmReserved,
  type UsagePurpose,
} from '@sward/core';
import { decideUsage, type RslDocument } from '@sward/core/usage-policy';
import { licenceOf, offerDetail, purposeDecision, robotsUsageOf } from '../policy/usage-rights.js';
import { mayCheck } from '../spot-check/eligibility.js';
import { parseSpotCheckTask } from '../spot-check/task.js';
import {
  type ClaimingNode,
  crawlDelayOf,
  crawlDelayTooLong,
  type FrontierStore,
  POLICY_JOB,
  type ReadyHost,
  witnessKeys,
} from '../store/frontier-store.js';
import { pageFailed } from '../store/page-failures.js';
import {
  CLOSES,
  mayAnswer,
  otherOperatorActive,
  type PendingAnswer,
  parsePendingAnswers,
} from '../store/policy-answers.js';
import { latestLicences, TDMREP_FILE_SKIP } from '../store/policy-docs.js';
import { DAY_MS, type QuotaStore, windowStart } from '../store/quota-store.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { TakedownStore } from '../store/takedown-store.js';
import type { HostPolicy, Job, Lease, SchedulerConfig, UrlKind } from '../store/types.js';
import type { ArchiveReuse } from './archive-reuse.js';
import { LeaseAccessPlanner } from './lease-access.js';
import { workRefusal } from './node-standing.js';
import { WorkSignal } from './work-signal.js';

/**
 * The validators of the version a live collection holds of a URL, for a conditional request. Collections
 * sit above the scheduler, so the coordinator passes their lookup in (open-store.ts).
 */
export type ConditionalLookup = (
  tx: SqlExecutor,
  collectionId: string,
  url: string,
) => Promise<Lease['conditional']>;

/** The terms of a claimed domain as the scheduler reads them. */
export interface LeaseCreatorTerms {
  domain: string;
  version: number;
  purposes: readonly string[];
  pricePer1000PagesUsd: string;
}

/**
 * Creators' terms (creators/, above the scheduler: passed in by open-store.ts). `forHost`: the terms in
 * force for a host: a job of a purpose they do not allow does not fetch the host's pages, and a page costs
 * their price (held against the job's budget with the site's). `leased`: a page lease went out under them,
 * so its capture records that version and is charged its price.
 */
export interface CreatorTermsHook {
  forHost(tx: SqlExecutor, host: string): Promise<LeaseCreatorTerms | null>;
  leased(tx: SqlExecutor, leaseId: string, terms: LeaseCreatorTerms): Promise<void>;
  /** Drops the records of leases closed without an answer (expired, handed back); throttled by the hook. */
  sweep?(db: SqlDriver, now: number): Promise<number>;
}

/** Told what the scheduler did, for the coordinator's metrics. */
export interface SchedulerEvents {
  leased?(n: number): void;
  expired?(n: number): void;
  /** A claim inside a capture batch's transaction failed and handed out nothing; the batch stands. */
  claimFailed?(nodeId: string, err: unknown): void;
}

/** What the scheduler reads and writes, all of it through the store's own methods. */
export interface SchedulerStore {
  db: SqlDriver;
  frontier: FrontierStore;
  quotas: QuotaStore;
  takedowns: TakedownStore;
}

/** How often (scheduler clock, ms) claims look for leases past their deadline. */
const OVERDUE_SWEEP_MS = 1000;

/** How long (scheduler clock, ms) a node's claim that found no spot check it may take is trusted; see claimAgain. */
const FUTILE_CHECKS_MS = 60_000;

/**
 * Which URL goes to which node, and when. With politeness on, an origin gets one request at a time and
 * waits max(Crawl-delay, hostDelayMs) after each answer; robots.txt and tdmrep.json are fetched (through a
 * node, like any page) before the first page of an origin is leased, and again when older than
 * policyTtlMs; a page robots.txt or TDMRep reserves, or taken down, is skipped with its reason and the
 * policy answers it rests on; a spot check goes only to a node that may check it; the key's daily page
 * quota and the job's maxPages hold. The store keeps the rows; this class holds the decisions.
 */
export class LeaseScheduler {
  private readonly frontier: FrontierStore;
  private readonly config: SchedulerConfig;

  constructor(
    private readonly store: SchedulerStore,
    private readonly conditional: ConditionalLookup | null = null,
    private readonly events: SchedulerEvents = {},
    private readonly creatorTerms: CreatorTermsHook | null = null,
    private readonly archive: ArchiveReuse | null = null,
  ) {
    this.frontier = store.frontier;
    this.config = store.frontier.config;
  }

  /** Each job's licence tokens, read once (LeaseAccessPlanner). */
  private readonly jobTokens = new Map<string, Map<string, string>>();
  /** When (scheduler clock) a claim last looked for overdue leases; see claimWithin. */
  private lastOverdueSweep = Number.NEGATIVE_INFINITY;

  /**
   * The transaction a claim of its own (claim(), claimAgain()) runs in: its own by default; a coordinator on
   * SQLite passes Ingest.inBatchTransaction, so a lease request shares the transaction of the capture batches
   * committed in the same turn of the event loop (server.ts). A throw must fail only this claim.
   */
  claimTransactions: <T>(fn: (tx: SqlExecutor) => Promise<T>) => Promise<T> = (fn) =>
    this.store.db.transaction(fn);

  /**
   * Ends the spot checks no node took in time (SpotChecks.endNotRun, throttled there), inside a claim's
   * transaction; returns how many it ended. Set by the coordinator, which knows the spot-check config.
   */
  endNotRunChecks: ((tx: SqlExecutor) => Promise<number>) | null = null;

  /** Woken when this process may have made work leasable; lease long-polls wait on it (work-signal.ts). */
  readonly work = new WorkSignal();

  /**
   * Waits, after a claim found nothing, until work may be leasable: a wake from this process, the moment
   * the first delayed origin is ready, or `maxMs` (what only the database knows: a peer's enqueue, a
   * lease deadline passing), whichever comes first.
   */
  async waitForWork(maxMs: number, signal?: AbortSignal): Promise<void> {
    const now = this.config.clock();
    const at = await this.frontier.nextReadyAt(now);
    const readyIn = at == null ? maxMs : Math.max(1, at - now);
    await this.work.wait(Math.min(maxMs, readyIn), signal);
  }

  /**
   * Hands out up to `max` leases to `nodeId`; none to a node workRefusal refuses (revoked, no row, below
   * `minCredibility`, the spot-check bar: POST /v1/nodes/lease says why itself, a capture batch's ask just
   * gets none).
   */
  async claim(
    nodeId: string,
    max: number,
    now = this.config.clock(),
    minCredibility = Number.NEGATIVE_INFINITY,
  ): Promise<Lease[]> {
    const leases = await this.claimTransactions((tx) =>
      this.claimWithin(tx, nodeId, max, now, minCredibility),
    );
    return this.claimed(nodeId, leases, now);
  }

  /**
   * claim() for a lease long-poll asking again after its wait (woken by a write, or its timer). Those asks
   * almost never find work (crawl bench, 1,000 pages: 8 of 378 leased anything; the capture batch whose write
   * woke them had taken its new links for its own node), and each was a write transaction of four
   * statements. When no origin has a URL ready and neither sweep is due (overdue leases, silent nodes), one
   * read answers, outside any transaction: what the claim would have found, on the same clock.
   */
  async claimAgain(nodeId: string, max: number, minCredibility = Number.NEGATIVE_INFINITY): Promise<Lease[]> {
    const now = this.config.clock();
    if (this.overdueSweepDue(now) || this.frontier.silentSweepDue())
      return this.claim(nodeId, max, now, minCredibility);
    const ready = await this.frontier.readiness(this.store.db, now, nodeId);
    if (ready.pages) return this.claim(nodeId, max, now, minCredibility);
    // Only spot checks are ready. The node may not take those its own captures', its operator's or its
    // network's (all of them on a network of one node): a claim that found nothing in these same checks
    // finds nothing again, so it is not run while they stay as they were (issue #14 point 4: an idle one-node
    // coordinator ran a claim on every wake). Remembered for FUTILE_CHECKS_MS at most: whether a node may
    // check also rests on the nodes' operators and networks, which change without a check changing.
    const futile = this.futileChecks.get(nodeId);
    if (
      ready.checks === 0 ||
      (futile?.fingerprint === ready.fingerprint && now >= futile.at && now - futile.at < FUTILE_CHECKS_MS)
    )
      return this.claimed(nodeId, [], now);
    const leases = await this.claim(nodeId, max, now, minCredibility);
    if (leases.length) this.futileChecks.delete(nodeId);
    else {
      // one entry a node; bounded all the same (forgetting costs one claim a node)
      if (this.futileChecks.size >= 10_000) this.futileChecks.clear();
      this.futileChecks.set(nodeId, { fingerprint: ready.fingerprint, at: now });
    }
    return leases;
  }

  /** Per node: the ready spot checks (readiness' fingerprint) a claim of its found nothing in, and when. */
  private readonly futileChecks = new Map<string, { fingerprint: string; at: number }>();

  private overdueSweepDue(now: number): boolean {
    return now - this.lastOverdueSweep >= OVERDUE_SWEEP_MS || now < this.lastOverdueSweep;
  }

  /**
   * claim() inside the caller's open transaction (a capture batch's on SQLite: one BEGIN/COMMIT and one WAL
   * write for the batch and the node's next leases). A claim that fails goes back to its savepoint and
   * hands out nothing, so the caller's own writes stand (the node's next lease request meets the error
   * itself). Once the caller's transaction committed, pass what this returned to claimed().
   */
  async claimIn(
    tx: SqlExecutor,
    nodeId: string,
    max: number,
    now = this.config.clock(),
    minCredibility = Number.NEGATIVE_INFINITY,
  ): Promise<Lease[]> {
    await tx.run('SAVEPOINT claim');
    try {
      const leases = await this.claimWithin(tx, nodeId, max, now, minCredibility);
      await tx.run('RELEASE SAVEPOINT claim');
      return leases;
    } catch (err) {
      await tx.run('ROLLBACK TO SAVEPOINT claim');
      await tx.run('RELEASE SAVEPOINT claim');
      // Said, not thrown: the batch's captures are stored either way, and a cause seen only here (the node's
      // next lease request may succeed) would otherwise leave no trace.
      this.events.claimFailed?.(nodeId, err);
      return [];
    }
  }

  /** What follows a claim's commit: a revoke that raced it, the metrics, the creator terms' sweep. */
  async claimed(nodeId: string, leases: Lease[], now = this.config.clock()): Promise<Lease[]> {
    // A revoke that committed while these leases were made (after the check above) ran its take-back
    // before they existed: take them back here. One that commits later finds them and takes them back itself.
    // Only PostgreSQL can commit one meanwhile: SQLite's claim holds the write lock from its BEGIN IMMEDIATE,
    // so its check in the transaction saw every revoke that will ever precede these leases.
    if (
      leases.length &&
      this.store.db.dialect === 'postgres' &&
      (await this.revoked(this.store.db, nodeId))
    ) {
      await this.frontier.takeBackLeases(nodeId);
      return [];
    }
    if (leases.length) this.events.leased?.(leases.length);
    // Housekeeping after the leases are committed: a failed sweep must not lose them for the node (they would
    // sit unanswered until their deadline); the next sweep deletes what this one did not.
    await this.creatorTerms?.sweep?.(this.store.db, now).catch(() => 0);
    return leases;
  }

  private async revoked(ex: SqlExecutor, nodeId: string): Promise<boolean> {
    const r = await ex.get<{ revoked_at: unknown }>('SELECT revoked_at FROM nodes WHERE id = ?', [nodeId]);
    // a row gone is as revoked (node-standing.ts)
    return r == null || r.revoked_at != null;
  }

  private async claimWithin(
    tx: SqlExecutor,
    nodeId: string,
    max: number,
    now: number,
    minCredibility: number,
  ): Promise<Lease[]> {
    const { frontier } = this;
    const touched = new Set<string>();
    // A revoked node (or one with no row) gets nothing, even when its lease call passed the route's check
    // before the revoke. One statement: revoked, credibility, leases held (the per-node cap).
    const node = await frontier.nodeClaimFacts(tx, nodeId);
    if (workRefusal(nodeId, node.standing, minCredibility)) return [];
    let held = node.held;
    // Overdue leases go back at most once a second (a statement on every claim, and claims come several a
    // second): a lease past its deadline is refused to its node at once anyway (ingest's lease check), so
    // the sweep only decides how soon another node gets its URL.
    if (this.overdueSweepDue(now)) {
      this.lastOverdueSweep = now;
      held -= await this.expireLeases(tx, now, touched, nodeId);
    }
    // Spot checks queued past their deadline end as not run (at most once a minute: no statement otherwise).
    await this.endNotRunChecks?.(tx);
    // Nodes silent past nodeTimeoutMs lose their leases at once (store/lease-handback.ts).
    // (a node claiming now is not silent: its own leases stay, and `held` with them)
    await frontier.releaseSilentNodes(tx, now, touched);
    const cap = this.config.quotas.leasesPerNode;
    if (cap > 0) {
      max = Math.min(max, cap - held);
      if (max <= 0) {
        for (const jobId of touched) await frontier.finishIfDone(tx, jobId);
        return [];
      }
    }
    const polite = this.config.politeness;
    const hosts = await frontier.readyHosts(tx, now, Math.max(max * 4, 8), true, node.node);
    // The takedowns of every ready host in one statement (was one per host tried); each is matched by URL,
    // so a host's pages meet only their own.
    const takedowns = hosts.length
      ? await this.store.takedowns.forHosts(
          hosts.map((h) => new URL(h.origin).hostname),
          tx,
        )
      : [];
    const out: Lease[] = [];
    for (const host of hosts) {
      if (out.length >= max) break;
      // A host taken down whole gets no request at all, not even for its robots.txt.
      const wholeHost = takedowns.some((t) => t.kind !== 'url' && takedownMatches(t, `${host.origin}/`));
      const policy = wholeHost ? null : this.policyFileDue(host, now);
      const licences = policy || wholeHost ? null : await this.licencesOf(tx, host, now);
      const got: Lease[] = policy
        ? await this.leasePolicy(tx, host.origin, policy, nodeId, now)
        : licences?.due
          ? await this.leasePolicy(tx, host.origin, 'rsl', nodeId, now, licences.due)
          : await this.leasePages(
              tx,
              host,
              node.node,
              polite ? 1 : max - out.length,
              now,
              touched,
              takedowns,
              licences ?? { docs: [], urls: [] },
            );
      if (got.length && polite) await frontier.markHostBusy(tx, host.origin, now + this.config.leaseMs);
      out.push(...got);
    }
    for (const jobId of touched) await frontier.finishIfDone(tx, jobId);
    return out;
  }

  /** robots.txt first, then tdmrep.json (not for an origin too slow to crawl), each again once stale. */
  private policyFileDue(host: ReadyHost, now: number): 'robots' | 'tdmrep' | null {
    const ttl = this.config.policyTtlMs;
    const robotsStale = host.policyAt != null && now - host.policyAt > ttl;
    // A tdmrep.json fetched before its time was recorded (tdmrepAt null) is as stale as an old one.
    const tdmStale = host.tdmrepState !== 'unknown' && (host.tdmrepAt == null || now - host.tdmrepAt > ttl);
    if (host.robotsState === 'unknown' || robotsStale) return 'robots';
    if ((host.tdmrepState === 'unknown' || tdmStale) && !this.tooSlow(host)) return 'tdmrep';
    return null;
  }

  /**
   * The RSL licences robots.txt names (`License:`), as last fetched: the first one never fetched or older than
   * policyTtlMs is `due` (fetched before any page of the origin is leased); `docs` are the ones read.
   */
  private async licencesOf(tx: SqlExecutor, host: ReadyHost, now: number) {
    const urls = robotsUsageOf(host.robotsDoc, host.robotsTxt)?.licenses.flatMap((r) =>
      r.via === 'html-script' ? [] : [r.url],
    );
    if (!urls?.length) return null;
    const rows = await latestLicences(tx, urls);
    const due = urls.find((u) => {
      const row = rows.get(u);
      return !row || now - row.fetchedAt > this.config.policyTtlMs;
    });
    const docs = [...rows.values()].flatMap((r) => {
      const d = licenceOf(r);
      return typeof d === 'string' ? [] : [d];
    });
    return { due: due ?? null, docs, urls: [...rows.keys()] };
  }

  private async leasePolicy(
    tx: SqlExecutor,
    origin: string,
    kind: UrlKind,
    nodeId: string,
    now: number,
    licenceUrl?: string,
  ) {
    const url =
      licenceUrl ?? (kind === 'robots' ? `${origin}/robots.txt` : `${origin}/.well-known/tdmrep.json`);
    const row = await this.frontier.policyFileRow(tx, origin, kind, url, now);
    if (!row || row.state === 'leased') return [];
    // A node that refused the file by its own rules is not asked again while its refusal holds (refusalTtlMs:
    // every node that refused it, so colluding nodes taking turns cannot keep an origin closed); one whose
    // operator answered waits for a node of another operator to confirm it (store/policy-answers.ts:
    // policyConfirmMs, then the most restrictive).
    if (
      row.refusedUntil !== null &&
      row.refusedUntil > now &&
      (await this.frontier.refusedBy(tx, row.id, nodeId, now))
    )
      return [];
    if (!(await this.mayAnswer(tx, row.id, row.pending, nodeId, now))) return [];
    // A policy file answered before (stale now) is fetched again: requeue its row.
    return [await this.lease(tx, row.id, POLICY_JOB, url, kind, nodeId, now)];
  }

  /**
   * Whether `nodeId` may fetch a policy file with these answers waiting (policy-answers.ts mayAnswer). An operator
   * whose answer would not close the origin may answer again at once when no active node of an operator that has
   * not answered would fetch the file (each refused it): its second word then stands, as a lone operator's first.
   */
  private async mayAnswer(
    tx: SqlExecutor,
    urlId: number,
    pending: readonly PendingAnswer[],
    nodeId: string,
    now: number,
  ) {
    if (pending.length === 0) return true;
    const me = await this.frontier.witnessOf(tx, nodeId);
    if (mayAnswer(pending, me.operator, now, this.config.policyConfirmMs)) return true;
    if (pending.length > 1 || pending[0]?.operator !== me.operator || pending[0].rank >= CLOSES) return false;
    return !(await otherOperatorActive(tx, me, { urlId, now }, this.config.nodeTimeoutMs));
  }

  private async leasePages(
    tx: SqlExecutor,
    host: ReadyHost,
    node: ClaimingNode,
    want: number,
    now: number,
    touched: Set<string>,
    takedowns: readonly Takedown[],
    licences: { docs: RslDocument[]; urls: string[] },
  ): Promise<Lease[]> {
    const { frontier } = this;
    const nodeId = node.id;
    const out: Lease[] = [];
    const day = windowStart(now, DAY_MS);
    const rules = host.tdmrep ? parseTdmRep(host.tdmrep) : [];
    const tooSlow = this.tooSlow(host);
    const docs = { robots: host.robotsDoc, tdmrep: host.tdmrepDoc };
    // robots.txt's usage rules (Content-Usage, Content-Signal), parsed once per robots.txt answer.
    const usage = robotsUsageOf(host.robotsDoc, host.robotsTxt);
    const usageRules =
      licences.docs.length > 0 ||
      (usage && (usage.contentUsage.length > 0 || usage.contentSignals.length > 0));
    const jobCache = new Map<
      string,
      {
        purpose: UsagePurpose;
        max: number;
        used: number;
        running: boolean;
        collectionId: string | null;
        quotaKey: string | null;
        pagesPerDay: number;
        options: Pick<Job['options'], 'maxPrice' | 'budget'>;
        /** The whole options, for archive reuse (absent: the job takes nothing from the archive). */
        crawl: Job['options'] | null;
      }
    >();
    const access = new LeaseAccessPlanner(this.store.frontier.payments, this.jobTokens);
    // The domain owner's terms (sward creator terms), read once per origin per round.
    const terms = this.creatorTerms
      ? await this.creatorTerms.forHost(tx, new URL(host.origin).hostname)
      : null;
    const creatorPrice = terms ? pagePriceMicros(terms) : 0;
    const nodeFacts = new Map();
    // A claim's page leases go to their URL rows in one statement (markLeasedMany), written before anything
    // reads those rows again: the next round's queued rows, and a budget's holds (open while their URL row
    // holds their lease id).
    const unwritten: { id: number; leaseId: string; robots: number | null; tdmrep: number | null }[] = [];
    const write = async () => {
      if (unwritten.length) await frontier.markLeasedMany(tx, unwritten.splice(0), nodeId, now);
    };
    // The key's daily pages, taken for the rest of the claim at once and what was not used given back
    // (a page was one statement each).
    const pages = new DailyPages(this.store.quotas, tx, day);
    // Spot checks first, then the origin's pages, each scanned on its own: a backlog of checks this node may
    // not take (on a network of one node, every check) left the pages behind it queued with the node idle and
    // the job never done (issue #14 point 4). Checks this node may not take are stepped over (offset), not
    // re-read each round. A job none of whose pages may go out now (not running, full, over its key's pages
    // for the day, waiting on its budget) is left out of the rounds after (`stalled`; full or over its key's
    // pages, only its pages: `pagesStalled`, its feeds count no page): stepped over row by row, a job of one
    // key over its day's pages hid every other job's pages on the origin behind its own until the next UTC day.
    const stalled = new Set<string>();
    const pagesStalled = new Set<string>();
    // (the checks only when readyHosts saw one due that this node is not kept from: otherwise none is)
    for (const queue of host.checksReady ? (['checks', 'pages'] as const) : (['pages'] as const)) {
      let offset = 0;
      const limit = Math.max(want * 2, 16);
      for (let round = 0; round < 5 && out.length < want; round++) {
        await write();
        const rows = await frontier.queuedAt(
          tx,
          host.origin,
          node,
          now,
          limit,
          offset,
          queue,
          queue === 'pages' ? [...stalled] : [],
          queue === 'pages' ? [...pagesStalled] : [],
        );
        if (rows.length === 0) break;
        // A page taken from the archive enqueues its links on this origin in this claim: the next round reads them.
        let enqueued = false;
        for (const { id, jobId, url, kind, detail } of rows) {
          if (out.length >= want) break;
          if (stalled.has(jobId) || (kind === 'page' && pagesStalled.has(jobId))) continue;
          if (takedowns.some((t) => takedownMatches(t, url))) {
            const why = 'removed by a takedown (GET /v1/takedowns)';
            // A check ends `failed`, which the not-run sweep records (SpotChecks.endNotRun): skipped, it vanished.
            if (kind === 'spotcheck') await frontier.settle(tx, id, 'failed', 'takedown', why);
            else await frontier.skipByPolicy(tx, id, 'takedown', why, null, null);
            touched.add(jobId);
            continue;
          }
          // An RSL licence a page named: read before the origin's pages (queued at depth -1, so first).
          if (kind === 'rsl') {
            if (await this.mayAnswer(tx, id, parsePendingAnswers(detail), nodeId, now))
              out.push(await this.lease(tx, id, POLICY_JOB, url, 'rsl', nodeId, now));
            continue;
          }
          if (kind === 'spotcheck') {
            const task = parseSpotCheckTask(detail);
            if (tooSlow) {
              // failed, not skipped: the not-run sweep records it (a robots.txt a node answered sets the delay)
              await frontier.settle(tx, id, 'failed', 'crawl_delay_too_long', this.tooSlowDetail(host));
            } else if (!task) {
              await frontier.settle(tx, id, 'failed', 'bad_spot_check');
            } else if (await mayCheck(tx, nodeId, task, nodeFacts)) {
              out.push(await this.lease(tx, id, jobId, url, 'spotcheck', nodeId, now));
            } else offset++;
            continue;
          }
          let job = jobCache.get(jobId);
          if (!job) {
            const f = await frontier.jobLeaseFacts(tx, jobId);
            job = {
              purpose: f.job ? jobPurpose(f.job.options, f.job.collectionId) : 'train',
              max: f.job?.options.maxPages ?? 0,
              used: (f.job?.stored ?? 0) + f.leased,
              running: f.job?.state === 'running',
              collectionId: f.job?.collectionId ?? null,
              quotaKey: f.quotaKey,
              pagesPerDay: f.keyPagesPerDay ?? this.config.quotas.pagesPerDay,
              options: { maxPrice: f.job?.options.maxPrice, budget: f.job?.options.budget },
              crawl: f.job?.options.maxAge && !f.job.collectionId ? f.job.options : null,
            };
            jobCache.set(jobId, job);
          }
          // A collection's feeds do not count as pages; its page count is capped when entries are queued.
          const counted = kind === 'page';
          if (!job.running || (counted && job.used >= job.max)) {
            touched.add(jobId);
            (job.running ? pagesStalled : stalled).add(jobId);
            continue;
          }
          const verdict = robotsVerdict(host.origin, host.robotsState as RobotsState, host.robotsTxt, url);
          // Each decision records the policy answers it rests on (urls.robots_doc / tdmrep_doc): compliance.json.
          if (!verdict.allowed) {
            const reason = host.robotsState === 'disallow-all' ? 'robots_unavailable' : 'robots';
            await frontier.skipByPolicy(tx, id, reason, null, docs.robots, null);
            touched.add(jobId);
            continue;
          }
          if (tooSlow) {
            await this.skipTooSlow(tx, id, host);
            touched.add(jobId);
            continue;
          }
          if (tdmReserved(rules, url)) {
            const { reason, detail: why } = TDMREP_FILE_SKIP;
            await frontier.skipByPolicy(tx, id, reason, why, docs.robots, docs.tdmrep);
            touched.add(jobId);
            continue;
          }
          // The job's purpose against robots.txt's Content-Usage / Content-Signal rules, before any request.
          if (usageRules) {
            const d = decideUsage(job.purpose, url, { robots: usage, rsl: licences.docs });
            if (d.decision !== 'allow') {
              const licence = d.reason.startsWith('rsl:')
                ? ` and its licence ${licences.urls.join(', ')}`
                : '';
              const why = `refused for ${job.purpose} by ${host.origin}/robots.txt${licence} (${d.reasons.join(', ')})${offerDetail(d)}`;
              await frontier.skipByPolicy(tx, id, purposeDecision(d).reason, why, docs.robots, docs.tdmrep);
              touched.add(jobId);
              continue;
            }
          }
          // The domain's owner allows only some purposes: a job of another purpose leaves its pages alone.
          if (terms && !terms.purposes.includes(job.purpose)) {
            const why = `the owner of ${terms.domain} allows ${terms.purposes.join(', ')}, not ${job.purpose} (terms v${terms.version}, GET /v1/terms/${terms.domain})`;
            await frontier.skipByPolicy(tx, id, 'creator:purpose-not-allowed', why, docs.robots, docs.tdmrep);
            touched.add(jobId);
            continue;
          }
          // Archive reuse (--max-age): every check above passed; a fresh capture the archive may give is taken
          // instead of a lease (scheduler/archive-reuse.ts), which settles URL rows: this claim's are written first.
          if (counted && job.crawl && this.archive) await write();
          if (
            counted &&
            job.crawl &&
            this.archive &&
            (await this.archive.take(tx, {
              urlId: id,
              jobId,
              url,
              options: job.crawl,
              purpose: job.purpose,
              terms,
              now,
            }))
          ) {
            touched.add(jobId);
            job.used++;
            enqueued = true;
            continue;
          }
          // Pay-per-crawl: the price this lease may pay is held against the job's budget before it goes out.
          if (job.options.maxPrice !== undefined) await write();
          const plan = await access.plan(tx, jobId, url, job.options, creatorPrice);
          if (plan === 'wait') {
            stalled.add(jobId);
            continue;
          }
          if ('skip' in plan) {
            const why = `${plan.detail} (terms v${terms?.version} of ${terms?.domain}, GET /v1/terms/${terms?.domain})`;
            await frontier.skipByPolicy(tx, id, plan.skip, why, docs.robots, docs.tdmrep);
            touched.add(jobId);
            continue;
          }
          // The key's pages for the day: a URL over it stays queued until the next UTC day.
          if (
            counted &&
            job.quotaKey &&
            job.pagesPerDay > 0 &&
            !(await pages.take(job.quotaKey, job.pagesPerDay, want - out.length))
          ) {
            pagesStalled.add(jobId);
            continue;
          }
          const { leaseId, deadline } = frontier.newLease(now);
          unwritten.push({ id, leaseId, robots: docs.robots, tdmrep: docs.tdmrep });
          const lease: Lease = { leaseId, jobId, url, kind, deadline };
          // Every page lease says what it may pay (maybe nothing): its node then signs what the site asked.
          lease.access = plan.access;
          if (plan.hold > 0) await this.store.frontier.payments.hold(tx, lease.leaseId, jobId, plan.hold);
          if (terms) await this.creatorTerms?.leased(tx, lease.leaseId, terms);
          if (job.collectionId && this.conditional) {
            const conditional = await this.conditional(tx, job.collectionId, url);
            if (conditional) lease.conditional = conditional;
          }
          out.push(lease);
          if (counted) job.used++;
        }
        // Fewer rows than asked: the queue had no more. Those left in it were stepped over (the offset), or
        // belong to jobs the next round leaves out: it would read nothing (a statement a claim, most claims),
        // unless a page taken from the archive enqueued its links.
        if (rows.length < limit && !enqueued) break;
      }
    }
    await write();
    await pages.giveBackUnused();
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
    const { leaseId, deadline } = await this.frontier.markLeased(tx, id, nodeId, now, docs);
    return { leaseId, jobId, url, kind, deadline };
  }

  /** robots.txt asks for a longer Crawl-delay than this coordinator will wait: the origin is not crawled. */
  private tooSlow(host: HostPolicy): boolean {
    return crawlDelayTooLong(crawlDelayOf(host), this.config);
  }

  /** A URL of an origin too slow to crawl is skipped, resting on the robots.txt that asked for the delay. */
  private skipTooSlow(tx: SqlExecutor, id: number, host: HostPolicy): Promise<void> {
    return this.frontier.skipByPolicy(
      tx,
      id,
      'crawl_delay_too_long',
      this.tooSlowDetail(host),
      host.robotsDoc,
      null,
    );
  }

  private tooSlowDetail(host: HostPolicy): string {
    return `robots.txt asks for Crawl-delay: ${crawlDelayOf(host) / 1000} s; this coordinator waits at most ${this.config.maxCrawlDelayMs / 1000} s (--max-crawl-delay)`;
  }

  /**
   * Leases past their deadline go back to the queue for another node, counted as an attempt. Returns how
   * many of them `nodeId` held.
   */
  private async expireLeases(
    tx: SqlExecutor,
    now: number,
    touched: Set<string>,
    nodeId: string,
  ): Promise<number> {
    const overdue = await this.frontier.overdueLeases(tx, now);
    if (overdue.length) this.events.expired?.(overdue.length);
    for (const r of overdue) {
      touched.add(r.job_id);
      // It held its origin busy a lease length for nothing: it, its operator and its network are kept off the
      // origin for policyConfirmMs, so nodes that claim and let lapse, taking turns, cannot keep a site's crawl
      // crawling at one page a lease length. Not when no node apart from it could take the origin (a network of
      // one operator: it would only stall).
      const me = await this.frontier.witnessOf(tx, r.leased_to);
      if (await otherOperatorActive(tx, me, { urlId: Number(r.id), now }, this.config.nodeTimeoutMs))
        await this.frontier.keepFromHost(
          tx,
          r.origin,
          [r.leased_to, ...witnessKeys(me)],
          now,
          'lease_expired',
          this.config.policyConfirmMs,
        );
      // A page or feed let lapse is its node's word as a failure report is: another node tries it, and it fails
      // only on independent witnesses' lapses or failures (store/page-failures.ts).
      if (r.kind === 'page' || r.kind === 'feed') {
        const row = { id: Number(r.id), attempts: Number(r.attempts) };
        const detail = 'node missed the lease deadline';
        await pageFailed(
          this.frontier,
          tx,
          row,
          r.leased_to,
          { code: 'lease_expired', detail, backoff: false, lapsed: true },
          now,
        );
        continue;
      }
      // Another node can take it at once: the site did not fail, the node did. The node that let it lapse is
      // kept from it for one lease length, then may have it again: kept away for good (avoid_node, until another
      // node took it), a network of one node never fetched it again and its job never ended.
      const retry = await this.frontier.retryOrFail(
        tx,
        Number(r.id),
        Number(r.attempts) + 1,
        'lease_expired',
        'node missed the lease deadline',
        now,
        null,
        false,
      );
      if (retry === 'retry')
        await this.frontier.keepAway(
          tx,
          Number(r.id),
          r.leased_to,
          now,
          'lease_expired',
          this.config.leaseMs,
        );
    }
    return overdue.filter((r) => r.leased_to === nodeId).length;
  }
}

/**
 * A key's daily page quota as one claim takes it: the first page takes what the rest of the claim may lease
 * at once (one statement instead of one per page) and giveBackUnused() returns what it did not lease; near
 * the limit, where that block does not fit, pages are taken one at a time as before.
 */
class DailyPages {
  private readonly ahead = new Map<string, number>();

  constructor(
    private readonly quotas: QuotaStore,
    private readonly tx: SqlExecutor,
    private readonly day: number,
  ) {}

  /** One page for `key`; `rest`: pages this claim may still lease, this one included. */
  async take(key: string, limit: number, rest: number): Promise<boolean> {
    const have = this.ahead.get(key) ?? 0;
    if (have > 0) {
      this.ahead.set(key, have - 1);
      return true;
    }
    if (rest > 1 && (await this.quotas.take(key, 'pages', this.day, limit, this.tx, rest))) {
      this.ahead.set(key, rest - 1);
      return true;
    }
    return this.quotas.take(key, 'pages', this.day, limit, this.tx);
  }

  async giveBackUnused(): Promise<void> {
    for (const [key, n] of this.ahead) await this.quotas.giveBack(key, 'pages', this.day, n, this.tx);
    this.ahead.clear();
  }
}
