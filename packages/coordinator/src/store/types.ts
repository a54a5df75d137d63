import type { CrawlOptions, JobState, JobWait, LeaseAccess } from '@sward/core';

export type UrlKind = 'page' | 'feed' | 'robots' | 'tdmrep' | 'rsl' | 'spotcheck';
export type UrlState = 'queued' | 'leased' | 'stored' | 'skipped' | 'failed';
export type { JobState };

export interface Job {
  id: string;
  seed: string;
  options: CrawlOptions;
  state: JobState;
  stored: number;
  createdAt: number;
  /** When the job was done: every page answered and every stored page's document made. */
  finishedAt: number | null;
  /** When every page was answered (the frontier emptied); documents may still be in the making. */
  capturedAt: number | null;
  /** Set when the job is one refresh of a live collection. */
  collectionId: string | null;
}

export interface JobProgress {
  queued: number;
  leased: number;
  stored: number;
  skipped: number;
  failed: number;
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  pagesByNode: Record<string, number>;
  /** Stored pages whose document the extraction workers have still to make. */
  documentsPending: number;
  /** Stored pages taken from the archive (--max-age), and fetched for this job: they sum to `stored`. */
  fromArchive?: number;
  fetched?: number;
  /** Sites whose queued pages wait for their robots.txt (store/job-waits.ts). */
  waitingFor?: JobWait[];
}

export interface Lease {
  leaseId: string;
  jobId: string;
  url: string;
  kind: UrlKind;
  deadline: number;
  /** Validators of the version already held: the node sends If-None-Match / If-Modified-Since. */
  conditional?: { etag?: string; lastModified?: string };
  /** Pages: the most the node may pay and the licence token it sends (scheduler/lease-access.ts). */
  access?: LeaseAccess;
}

export interface LeaseRow {
  id: number;
  jobId: string;
  url: string;
  origin: string;
  kind: UrlKind;
  depth: number;
  state: UrlState;
  attempts: number;
  leaseId: string | null;
  leasedTo: string | null;
  leaseDeadline: number | null;
  /** Why the URL is where it is (urls.reason); `cancelled` for a lease its job's cancel closed. */
  reason?: string | null;
  detail: string | null;
  /** The policy answers the lease was granted on (policy_docs ids): a page's rights receipt names them. */
  robotsDoc?: number | null;
  tdmrepDoc?: number | null;
}

export interface HostPolicy {
  origin: string;
  robotsState: string;
  robotsTxt: string | null;
  tdmrepState: string;
  tdmrep: string | null;
  /** The policy_docs rows the current robots.txt and tdmrep.json verdicts come from. */
  robotsDoc: number | null;
  tdmrepDoc: number | null;
}

export interface CaptureRow {
  seq: number;
  id: string;
  jobId: string;
  nodeId: string;
  requestedUrl: string;
  finalUrl: string;
  status: number;
  contentType: string | null;
  bodySha256: string;
  bodyLength: number;
  fetchedAt: number;
  signed: string;
  outcome: string;
  reason: string | null;
  leafIndex: number | null;
  /** Set in a job's page listing when the job took this capture from the archive (job_reuses). */
  reused?: boolean;
}

export interface SkipRow {
  url: string;
  state: 'skipped' | 'failed';
  reason: string;
  detail: string | null;
  captureId: string | null;
}

/** A policy answer a URL's decision rests on, as a bundle's evidence names it. */
export interface PolicyAnswerRef {
  url: string;
  captureId: string | null;
  bodySha256: string | null;
}

export interface SkipRowWithSources extends SkipRow {
  id: number;
  /** The signed capture of the page, JSON, when a node answered for it. */
  signed: string | null;
  robots: PolicyAnswerRef | null;
  tdmrep: PolicyAnswerRef | null;
}

export interface SchedulerConfig {
  /** Lease length; a node that has not answered by then loses the URL to another node. */
  leaseMs: number;
  /** Minimum gap between two requests to one origin when robots.txt sets no larger Crawl-delay. */
  hostDelayMs: number;
  /** Bench-only: lift per-host serialisation and delays (robots.txt and opt-outs still apply). */
  politeness: boolean;
  maxAttempts: number;
  backoffMs: number;
  /** How long robots.txt and tdmrep.json verdicts are trusted before they are fetched again. */
  policyTtlMs: number;
  /**
   * The longest robots.txt Crawl-delay honoured; an origin asking for more is not crawled (its URLs are
   * skipped as crawl_delay_too_long), never crawled faster than it asked.
   */
  maxCrawlDelayMs: number;
  /**
   * A policy answer (opening an origin or closing it: robots.txt unreachable, 5xx, disallowing everything or asking
   * a Crawl-delay over maxCrawlDelayMs; tdmrep.json reserving everything) waits this long for a node of another
   * operator to confirm it; only when none came does a second answer from the same operator count, or, where two
   * operators disagree, the most restrictive (store/policy-answers.ts).
   */
  policyConfirmMs: number;
  /**
   * A node that refused a URL by its operator's rules (DOMAIN_DENIED, CAP_REACHED, INACTIVE_HOURS, BLOCKED_ADDRESS on
   * a robots.txt) is not offered it again for this long; every node that refused it within this time is kept from it
   * (colluding nodes taking turns refusing cannot keep it from the others). Then it may be offered again: a cap, active
   * hours or a deny list change, and on a network whose every node refused, the URL waits no longer than this.
   */
  refusalTtlMs: number;
  /** The scheduler's clock: lease times and policy-file ages (tests move it to expire policies). */
  clock: () => number;
  quotas: QuotaConfig;
  /**
   * A node not heard from (session or heartbeat) for this long is taken for gone: its leases go back to
   * the queue at once and their origins are freed, rather than holding them for the whole lease.
   * 0: only the lease deadline frees them. Read on the wall clock, like nodes.last_seen.
   */
  nodeTimeoutMs: number;
  /**
   * A lease long-poll that found nothing is woken by this coordinator's own writes (scheduler/work-signal.ts);
   * it also asks the database again on its own this often, for what only the database knows: a peer
   * coordinator's enqueue, a lease deadline passing.
   */
  leasePollMs: number;
}

/** Limits on what one key, tenant or node may use; 0 means no limit. Counted in the database. */
export interface QuotaConfig {
  /** API requests per key per UTC minute (a key's own requests_per_minute overrides it). */
  requestsPerMinute: number;
  /** Page leases per key per UTC day for the key's crawl jobs (a key's pages_per_day overrides it). */
  pagesPerDay: number;
  /** Crawl jobs running at once per tenant (a live collection's refreshes are not counted). */
  concurrentJobsPerTenant: number;
  /** Leases one node may hold at once. */
  leasesPerNode: number;
}

/** What a coordinator's options may set: any scheduler setting, and any single limit. */
export type SchedulerOptions = Partial<Omit<SchedulerConfig, 'quotas'>> & { quotas?: Partial<QuotaConfig> };

export const defaultQuotaConfig: QuotaConfig = {
  requestsPerMinute: 60_000,
  pagesPerDay: 1_000_000,
  concurrentJobsPerTenant: 50,
  leasesPerNode: 64,
};

export const defaultSchedulerConfig: SchedulerConfig = {
  leaseMs: 60_000,
  hostDelayMs: 100,
  politeness: true,
  maxAttempts: 3,
  backoffMs: 500,
  policyTtlMs: 24 * 3600_000,
  maxCrawlDelayMs: 60_000,
  policyConfirmMs: 10 * 60_000,
  refusalTtlMs: 5 * 60_000,
  clock: Date.now,
  quotas: defaultQuotaConfig,
  nodeTimeoutMs: 20_000,
  leasePollMs: 250,
};
