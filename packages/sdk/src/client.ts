import type {
  ApiAnswer,
  ApiBody,
  CatalogueDownload,
  CatalogueDownloadRequest,
  CataloguePublishRequest,
  CatalogueVersion,
  CreatorClaimInfo,
  CreatorStatement,
  CreatorTermsRequest,
  DatasetBuild,
  DatasetBuildRequest,
  DatasetFiles,
  DatasetValuation,
  Flag,
  FlagStatus,
  LabellingProjectStatus,
  OperatorStatus,
  PayoutClaim,
  ProjectExportListing,
  ProjectSettlement,
  PublicDomainTerms,
  ScrapeAnswer,
} from '@sward/core';
import { SwardApiError, swardErrorCode } from './errors.js';
import { pollDelay } from './poll-delay.js';
import type {
  ApiKeyInfo,
  AuditEntry,
  CheckpointInfo,
  CollectionCharges,
  CollectionInfo,
  CollectionPricingRequest,
  CollectionSearchAnswer,
  CollectionSearchRequest,
  CrawlRequest,
  CreateKeyRequest,
  CreateTakedownRequest,
  DocumentRow,
  JobCompliance,
  JobInfo,
  NewApiKey,
  PageRow,
  RowProof,
  SkipRow,
  TakedownInfo,
} from './types.js';

/**
 * Rows asked for per request when listing a job's pages or documents. A thousand documents made answers of
 * ~20 MB: one string and one buffer that size on each side (the coordinator's and this client's), and a
 * C heap the coordinator kept at that size afterwards; 200 keeps each answer a few MB for a few more requests.
 */
const LISTING_PAGE = 200;

export interface ClientOptions {
  /** Coordinator base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  apiKey: string;
  /**
   * On 429 the client waits the Retry-After the coordinator names and sends again, when that wait is at most
   * this many seconds (default 60: a rate limit's minute); a longer wait (the day's pages used up) or 0 here
   * throws the SwardApiError with its `retryAfterS` at once.
   */
  maxRetryWaitS?: number;
  /**
   * The fetch the client sends with (default: the global one). The JSON calls use only a response's `ok`,
   * `status`, `headers.get`, `json`, `text`, `arrayBuffer` and `body?.cancel`; file downloads read its `body`
   * as a stream. `sward crawl` follows its job with a node:http one, which spares the process undici.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The catalogue path of a dataset or one of its versions. */
const catPath = (owner: string, name: string, version?: string) =>
  `/v1/catalogue/${encodeURIComponent(owner)}/${encodeURIComponent(name)}${
    version === undefined ? '' : `/${encodeURIComponent(version)}`
  }`;

/** Attempts of one request that a rate limit may refuse before the client gives up. */
const MAX_RATE_LIMITED_ATTEMPTS = 5;
/** Attempts of a GET or HEAD whose connection the other side closed before it answered. */
const MAX_DROPPED_ATTEMPTS = 3;
/** The errors of a connection closed under a request (undici's SocketError, the kernel's resets). */
const DROPPED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/**
 * True when fetch failed because the connection was closed under the request. On a kept-alive connection
 * that is the race every HTTP client has with a server closing it as idle (seen with `sward crawl` following
 * a job on a loaded machine, 2026-12-06): the request never reached the server's handler.
 */
function connectionDropped(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && DROPPED.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Typed client for the customer HTTP API. */
export class SwardClient {
  private readonly base: string;
  constructor(private readonly opts: ClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  /**
   * fetch, waiting out short rate limits: a 429 is refused before the coordinator does anything, so sending
   * the same request again is safe for every method (a large `sward crawl` output asks for one blob per page).
   * A GET or HEAD whose connection was closed under it is sent again on a new one; other methods are not,
   * since the coordinator may have acted on them before the connection went.
   */
  private async send(path: string, init: RequestInit): Promise<Response> {
    const maxWaitS = this.opts.maxRetryWaitS ?? 60;
    const idempotent = init.method === undefined || init.method === 'GET' || init.method === 'HEAD';
    for (let attempt = 1, dropped = 0; ; attempt++) {
      let res: Response;
      try {
        res = await (this.opts.fetch ?? fetch)(`${this.base}${path}`, init);
      } catch (cause) {
        if (idempotent && connectionDropped(cause) && ++dropped < MAX_DROPPED_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 50 * dropped));
          continue;
        }
        throw new SwardApiError(
          'NETWORK',
          `cannot reach the coordinator at ${this.base}: ${(cause as Error).message}`,
          0,
          { cause },
        );
      }
      const waitS = Number(res.headers.get('retry-after') ?? Number.NaN);
      if (res.status !== 429 || !(waitS >= 0 && waitS <= maxWaitS) || attempt >= MAX_RATE_LIMITED_ATTEMPTS)
        return res;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, waitS * 1000));
    }
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    as: 'json' | 'text' | 'bytes' = 'json',
  ): Promise<T> {
    const res = await this.send(path, {
      method,
      headers: {
        authorization: `Bearer ${this.opts.apiKey}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) {
      const j = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      const retryAfter = Number(res.headers.get('retry-after') ?? Number.NaN);
      const code = swardErrorCode(j?.error?.code);
      throw new SwardApiError(
        code,
        // a code this client does not know is kept in the message
        code === 'HTTP' && j?.error?.code
          ? `${j.error.code}: ${j.error.message}`
          : (j?.error?.message ?? `${method} ${path}: HTTP ${res.status}`),
        res.status,
        Number.isFinite(retryAfter) ? { retryAfterS: retryAfter } : undefined,
      );
    }
    if (as === 'bytes') return Buffer.from(await res.arrayBuffer()) as T;
    return (as === 'text' ? await res.text() : await res.json()) as T;
  }

  createCrawl(req: CrawlRequest): Promise<JobInfo> {
    return this.call('POST', '/v1/jobs', req);
  }

  job(id: string): Promise<JobInfo> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /**
   * Cancels a running job: nothing more is fetched for it, and what it stored stays downloadable once its
   * `finishedAt` is set (waitForJob returns then). Again on a cancelled job: the job. A finished job, or a live
   * collection's refresh (pause the collection instead): CONFLICT.
   */
  cancelJob(id: string): Promise<JobInfo> {
    return this.call('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);
  }

  jobs(): Promise<ApiAnswer<'GET /v1/jobs'>> {
    return this.call('GET', '/v1/jobs');
  }

  /** Every stored page of a job in log (leaf) order, paging through the API. */
  async *pages(jobId: string): AsyncGenerator<PageRow> {
    let after = '';
    for (;;) {
      const r = await this.call<ApiAnswer<'GET /v1/jobs/:id/pages'>>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}/pages?after=${encodeURIComponent(after)}&limit=${LISTING_PAGE}`,
      );
      yield* r.pages;
      if (r.next === null) return;
      after = r.next;
    }
  }

  /** The robots.txt and tdmrep.json answers a job's URL decisions rest on, with what each decided. */
  compliance(jobId: string): Promise<JobCompliance> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}/compliance`);
  }

  /** Extracted documents of a job's stored pages. */
  async *documents(jobId: string): AsyncGenerator<DocumentRow> {
    let after = 0;
    for (;;) {
      const r = await this.call<ApiAnswer<'GET /v1/jobs/:id/documents'>>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}/documents?after=${after}&limit=${LISTING_PAGE}`,
      );
      yield* r.documents;
      if (r.next === null) return;
      after = r.next;
    }
  }

  async *skipped(jobId: string): AsyncGenerator<SkipRow> {
    let after = 0;
    for (;;) {
      const r = await this.call<ApiAnswer<'GET /v1/jobs/:id/skipped'>>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId)}/skipped?after=${after}`,
      );
      yield* r.skipped;
      if (r.next === null) return;
      after = r.next;
    }
  }

  /**
   * The signed manifest (C2SP note) of a sealed job's output folder made against checkpoint `size` with
   * these document filters: the coordinator builds the files itself and signs their hashes.
   */
  manifest(
    jobId: string,
    size: number,
    filters: { lang?: string[]; quality?: string; dedupThreshold?: number; warc?: boolean } = {},
  ): Promise<string> {
    const q = new URLSearchParams({ size: String(size) });
    if (filters.lang?.length) q.set('lang', filters.lang.join(','));
    if (filters.quality) q.set('quality', filters.quality);
    if (filters.dedupThreshold !== undefined) q.set('dedup', String(filters.dedupThreshold));
    if (filters.warc) q.set('warc', '1');
    return this.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}/manifest?${q}`, undefined, 'text');
  }

  blob(sha256: string): Promise<Buffer> {
    return this.call('GET', `/v1/blobs/${sha256}`, undefined, 'bytes');
  }

  /** A live collection; with `webhook`, the answer carries `webhookSecret` (shown this once). */
  createCollection(req: ApiBody<'POST /v1/collections'>): Promise<ApiAnswer<'POST /v1/collections'>> {
    return this.call('POST', '/v1/collections', req);
  }

  /** Chunks matching `query` (BM25, fused with vectors when the coordinator has an embedding provider). */
  searchCollection(id: string, req: CollectionSearchRequest): Promise<CollectionSearchAnswer> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/search`, req);
  }

  /** Refresh now rather than at the next interval. */
  refreshCollection(id: string): Promise<CollectionInfo> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/refresh`);
  }

  async collections(): Promise<CollectionInfo[]> {
    return (await this.call<{ collections: CollectionInfo[] }>('GET', '/v1/collections')).collections;
  }

  collection(id: string): Promise<CollectionInfo> {
    return this.call('GET', `/v1/collections/${encodeURIComponent(id)}`);
  }

  /** Changes what the collection may pay: a field left out stays, null clears it (from its next refresh). */
  setCollectionPricing(id: string, req: CollectionPricingRequest): Promise<CollectionInfo> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/pricing`, req);
  }

  /** What the collection has spent and the pages of claimed domains it paid for, newest first. */
  collectionCharges(id: string): Promise<CollectionCharges> {
    return this.call('GET', `/v1/collections/${encodeURIComponent(id)}/charges`);
  }

  pauseCollection(id: string, paused: boolean): Promise<CollectionInfo> {
    return this.call('POST', `/v1/collections/${encodeURIComponent(id)}/${paused ? 'pause' : 'resume'}`);
  }

  async deleteCollection(id: string): Promise<void> {
    await this.call('DELETE', `/v1/collections/${encodeURIComponent(id)}`);
  }

  /** A new API key (scope keys:admin); its secret is in the answer only. */
  createKey(req: CreateKeyRequest = {}): Promise<NewApiKey> {
    return this.call('POST', '/v1/keys', req);
  }

  /** The tenant's keys; an admin key sees every tenant's, or one tenant's with `tenant`. */
  async keys(tenant?: string): Promise<ApiKeyInfo[]> {
    const q = tenant === undefined ? '' : `?tenant=${encodeURIComponent(tenant)}`;
    return (await this.call<{ keys: ApiKeyInfo[] }>('GET', `/v1/keys${q}`)).keys;
  }

  revokeKey(id: string): Promise<ApiKeyInfo> {
    return this.call('POST', `/v1/keys/${encodeURIComponent(id)}/revoke`);
  }

  /** A new secret for the key, same tenant, role and scopes; the old secret stops working at once. */
  rotateKey(id: string): Promise<ApiAnswer<'POST /v1/keys/:id/rotate'>> {
    return this.call('POST', `/v1/keys/${encodeURIComponent(id)}/rotate`);
  }

  /** Files a takedown (an admin key, scope network:admin); filing the same one again returns it. */
  createTakedown(req: CreateTakedownRequest): Promise<TakedownInfo> {
    return this.call('POST', '/v1/takedowns', req);
  }

  /** The public takedown list (no key needed on the server's side; this client sends its own anyway). */
  async takedowns(): Promise<TakedownInfo[]> {
    const all: TakedownInfo[] = [];
    for (let after = ''; ; ) {
      const r = await this.call<ApiAnswer<'GET /v1/takedowns'>>(
        'GET',
        `/v1/takedowns?after=${encodeURIComponent(after)}`,
      );
      all.push(...r.takedowns);
      if (!r.next) return all;
      after = r.next;
    }
  }

  /** Admin actions, oldest first (scope network:admin). */
  async audit(q: { action?: string; after?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const qs = new URLSearchParams();
    if (q.action) qs.set('action', q.action);
    if (q.after !== undefined) qs.set('after', String(q.after));
    if (q.limit !== undefined) qs.set('limit', String(q.limit));
    const r = await this.call<ApiAnswer<'GET /v1/audit'>>('GET', `/v1/audit${qs.size ? `?${qs}` : ''}`);
    return r.entries;
  }

  /**
   * One URL fetched through a node and answered at once (a one-page crawl job): the page with its signed
   * capture, its document (text and Markdown) and its proof, or why it was skipped or failed. A page not
   * fetched within `timeoutMs` (default 60 s) fails with code TIMEOUT naming the job to follow.
   */
  scrape(url: string, opts: Omit<ApiBody<'POST /v1/scrape'>, 'url'> = {}): Promise<ScrapeAnswer> {
    return this.call('POST', '/v1/scrape', { url, ...opts });
  }

  // ---- labelling projects (key scope labelling:owner): the tenant's own ----

  /** Creates a project from JSONL items; the coordinator checks every line and stores all or nothing. */
  createProject(
    req: ApiBody<'POST /v1/labelling/projects'>,
  ): Promise<ApiAnswer<'POST /v1/labelling/projects'>> {
    return this.call('POST', '/v1/labelling/projects', req);
  }

  async projects(): Promise<ApiAnswer<'GET /v1/labelling/projects'>['projects']> {
    return (await this.call<ApiAnswer<'GET /v1/labelling/projects'>>('GET', '/v1/labelling/projects'))
      .projects;
  }

  /** Labels, labellers and flags of a project. */
  project(id: string): Promise<LabellingProjectStatus> {
    return this.call('GET', `/v1/labelling/projects/${encodeURIComponent(id)}`);
  }

  /** Runs the quality pass now: flags spammers, pays judged labels. */
  settleProject(id: string): Promise<ProjectSettlement> {
    return this.call('POST', `/v1/labelling/projects/${encodeURIComponent(id)}/settle`);
  }

  /** Clears or confirms a flag on a labeller of the project. */
  async reviewLabeller(id: string, labeller: string, verdict: 'clear' | 'confirm'): Promise<void> {
    await this.call(
      'POST',
      `/v1/labelling/projects/${encodeURIComponent(id)}/flags/${encodeURIComponent(labeller)}`,
      { verdict },
    );
  }

  /** The export's files (JSONL, Parquet, dataset card) and its statistics. */
  projectExport(id: string): Promise<ProjectExportListing> {
    return this.call('GET', `/v1/labelling/projects/${encodeURIComponent(id)}/export`);
  }

  /** One export file's bytes. */
  projectExportFile(id: string, name: string): Promise<Buffer> {
    const path = `/v1/labelling/projects/${encodeURIComponent(id)}/export/${encodeURIComponent(name)}`;
    return this.call('GET', path, undefined, 'bytes');
  }

  // ---- the network's rewards (key scope rewards:admin) ----

  /** An operator's earnings per epoch, nodes' credibility and flags. */
  operatorStatus(operator: string): Promise<OperatorStatus> {
    return this.call('GET', `/v1/rewards/operators/${encodeURIComponent(operator)}/status`);
  }

  epochs(): Promise<ApiAnswer<'GET /v1/rewards/epochs'>> {
    return this.call('GET', '/v1/rewards/epochs');
  }

  /** A closed epoch's payout table. */
  epoch(epoch: number): Promise<ApiAnswer<'GET /v1/rewards/epochs/:epoch'>> {
    return this.call('GET', `/v1/rewards/epochs/${epoch}`);
  }

  /** One account's payout with its Merkle proof against the epoch's root. */
  payoutClaim(epoch: number, account: string): Promise<PayoutClaim> {
    return this.call('GET', `/v1/rewards/epochs/${epoch}/claims/${encodeURIComponent(account)}`);
  }

  /** Closes an epoch (default: the last one that ended) and anchors its payout root. */
  closeEpoch(epoch?: number): Promise<ApiAnswer<'POST /v1/rewards/epochs/close'>> {
    return this.call('POST', '/v1/rewards/epochs/close', epoch === undefined ? {} : { epoch });
  }

  /** Every node, most recently seen first (operators:admin). */
  async adminNodes(): Promise<ApiAnswer<'GET /v1/admin/nodes'>['nodes']> {
    return (await this.call<ApiAnswer<'GET /v1/admin/nodes'>>('GET', '/v1/admin/nodes')).nodes;
  }

  /** Revokes a node: no new session, its leases go back to the queue (operators:admin). */
  revokeNode(nodeId: string): Promise<ApiAnswer<'POST /v1/admin/nodes/:nodeId/revoke'>> {
    return this.call('POST', `/v1/admin/nodes/${encodeURIComponent(nodeId)}/revoke`);
  }

  /** Revokes an operator and every node of it (operators:admin). */
  revokeOperator(operator: string): Promise<ApiAnswer<'POST /v1/admin/operators/:operator/revoke'>> {
    return this.call('POST', `/v1/admin/operators/${encodeURIComponent(operator)}/revoke`);
  }

  async flags(status?: FlagStatus): Promise<Flag[]> {
    const q = status ? `?status=${status}` : '';
    return (await this.call<{ flags: Flag[] }>('GET', `/v1/rewards/flags${q}`)).flags;
  }

  /** Runs the sybil scan now; answers the ids of new flags. */
  async scanFlags(): Promise<string[]> {
    return (await this.call<{ raised: string[] }>('POST', '/v1/rewards/flags/scan')).raised;
  }

  reviewFlag(id: string, verdict: 'clear' | 'confirm', note?: string): Promise<Flag> {
    return this.call(
      'POST',
      `/v1/rewards/flags/${encodeURIComponent(id)}/${verdict}`,
      note === undefined ? {} : { note },
    );
  }

  /**
   * A creator claims a domain (key scope `creator`): the answer says what to publish (a well-known file or
   * a DNS TXT record) before `verifyDomain`.
   */
  claimDomain(domain: string): Promise<CreatorClaimInfo> {
    return this.call('POST', '/v1/creator/claims', { domain });
  }

  /** Checks the published proof now; on success the caller's tenant owns the domain. */
  verifyDomain(domain: string): Promise<CreatorClaimInfo> {
    return this.call('POST', `/v1/creator/claims/${encodeURIComponent(domain)}/verify`);
  }

  /** Sets the terms of an owned domain: a new version, in force from now. */
  setDomainTerms(domain: string, terms: CreatorTermsRequest): Promise<CreatorClaimInfo> {
    return this.call('PUT', `/v1/creator/claims/${encodeURIComponent(domain)}/terms`, terms);
  }

  /** The caller's domain claims, verified or not, with their terms. */
  async creatorClaims(): Promise<CreatorClaimInfo[]> {
    return (await this.call<{ claims: CreatorClaimInfo[] }>('GET', '/v1/creator/claims')).claims;
  }

  /**
   * The caller's statement as a creator: per epoch and domain, the pages stored under its terms, by purpose,
   * and what it earned (micro-USD and USD). `epoch` narrows it to one epoch.
   */
  creatorStatement(epoch?: number): Promise<CreatorStatement> {
    return this.call('GET', `/v1/creator/statement${epoch === undefined ? '' : `?epoch=${epoch}`}`);
  }

  /** A domain's terms in force, as anyone may read them. */
  domainTerms(domain: string): Promise<PublicDomainTerms> {
    return this.call('GET', `/v1/terms/${encodeURIComponent(domain)}`);
  }

  /** The proof of one stored page, by capture id or URL. */
  proof(by: { captureId: string } | { url: string }): Promise<RowProof> {
    const q =
      'captureId' in by
        ? `captureId=${encodeURIComponent(by.captureId)}`
        : `url=${encodeURIComponent(by.url)}`;
    return this.call('GET', `/v1/proofs?${q}`);
  }

  /** Gives every capture of a finished job its log leaf and returns a checkpoint covering them. */
  seal(jobId: string): Promise<CheckpointInfo> {
    return this.call('POST', `/v1/jobs/${encodeURIComponent(jobId)}/seal`);
  }

  async checkpoints(from = 0): Promise<CheckpointInfo[]> {
    return (await this.call<{ checkpoints: CheckpointInfo[] }>('GET', `/v1/log/checkpoints?from=${from}`))
      .checkpoints;
  }

  /** Spot-check sampling epochs: signed commitments, and each key once its epoch is over (public). */
  async spotCheckEpochs(from = 0): Promise<ApiAnswer<'GET /v1/log/spot-check/epochs'>> {
    return this.call('GET', `/v1/log/spot-check/epochs?from=${from}`);
  }

  /** The recorded draw of a stored capture: its epoch and whether it was selected for a spot check (public). */
  async spotCheckDraw(captureId: string): Promise<ApiAnswer<'GET /v1/log/spot-check/draws/:captureId'>> {
    return this.call('GET', `/v1/log/spot-check/draws/${encodeURIComponent(captureId)}`);
  }

  async logKey(): Promise<string> {
    const res = await this.send('/v1/log/key', {});
    if (!res.ok) throw new SwardApiError('HTTP', `log key: HTTP ${res.status}`, res.status);
    return (await res.text()).trim();
  }

  /**
   * Entries `from`..`to` of the coordinator's file anchor chain `chain`, signed by the log key; null
   * when this coordinator's anchor file is another chain (another coordinator anchored those).
   */
  async anchorChain(
    chain: string,
    from: number,
    to: number,
  ): Promise<ApiAnswer<'GET /v1/log/anchor-chain'>['entries'] | null> {
    const out: ApiAnswer<'GET /v1/log/anchor-chain'>['entries'] = [];
    for (let at = from; at <= to; at += 10_000) {
      const q = new URLSearchParams({ chain, from: String(at), to: String(Math.min(to, at + 9_999)) });
      try {
        const r = await this.call<ApiAnswer<'GET /v1/log/anchor-chain'>>('GET', `/v1/log/anchor-chain?${q}`);
        out.push(...r.entries);
      } catch (e) {
        if (e instanceof SwardApiError && e.status === 404) return null;
        throw e;
      }
    }
    return out;
  }

  async inclusionProofs(size: number, indices: number[]): Promise<Record<number, string[]>> {
    const out: Record<number, string[]> = {};
    for (let i = 0; i < indices.length; i += 2000) {
      const r = await this.call<ApiAnswer<'POST /v1/log/proofs/inclusion'>>(
        'POST',
        '/v1/log/proofs/inclusion',
        {
          size,
          indices: indices.slice(i, i + 2000),
        },
      );
      Object.assign(out, r.proofs);
    }
    return out;
  }

  /**
   * One capture of this key's tenant and its node-signed record. Another tenant's capture, or a page taken
   * down, answers NOT_FOUND (as if there were none).
   */
  capture(id: string): Promise<ApiAnswer<'GET /v1/captures/:id'>> {
    return this.call('GET', `/v1/captures/${encodeURIComponent(id)}`);
  }

  /** One leaf of the public log: the capture id it records and the signed record it hashes (no key needed). */
  logLeaf(index: number): Promise<ApiAnswer<'GET /v1/log/leaves/:index'>> {
    return this.call('GET', `/v1/log/leaves/${index}`);
  }

  /** The inclusion proof of one leaf in a tree size (public); `inclusionProofs` asks for many in one call. */
  inclusionProof(index: number, size: number): Promise<ApiAnswer<'GET /v1/log/proof/inclusion'>> {
    return this.call('GET', `/v1/log/proof/inclusion?index=${index}&size=${size}`);
  }

  async consistencyProof(from: number, to: number): Promise<string[]> {
    return (
      await this.call<ApiAnswer<'GET /v1/log/proof/consistency'>>(
        'GET',
        `/v1/log/proof/consistency?from=${from}&to=${to}`,
      )
    ).hashes;
  }

  /**
   * Polls a job until it is done, or cancelled with its output ready (finishedAt set), calling `onProgress`
   * after each poll: every `intervalMs` at first, less often as the wait grows (pollDelay: a poll re-counts
   * the job on the coordinator).
   */
  async waitForJob(
    id: string,
    onProgress?: (j: JobInfo) => void,
    intervalMs = 250,
    onUnreachable?: (e: SwardApiError) => void,
  ): Promise<JobInfo> {
    let downSince: number | null = null;
    const since = Date.now();
    for (;;) {
      try {
        const j = await this.job(id);
        downSince = null;
        onProgress?.(j);
        if (j.state === 'done' || (j.state === 'cancelled' && j.finishedAt !== null)) return j;
      } catch (e) {
        // A coordinator restart is not the end of a crawl: its state is on disk. Wait for it, up to 5 minutes.
        const retriable = e instanceof SwardApiError && (e.code === 'NETWORK' || e.status === 503);
        if (!retriable) throw e;
        downSince ??= Date.now();
        if (Date.now() - downSince > 300_000) throw e;
        onUnreachable?.(e);
      }
      await new Promise((r) => setTimeout(r, pollDelay(intervalMs, Date.now() - since)));
    }
  }
  /** Starts a dataset build from finished jobs (Parquet shards, card, croissant.json, proof bundle). */
  createDatasetBuild(req: DatasetBuildRequest): Promise<DatasetBuild> {
    return this.call('POST', '/v1/datasets', req);
  }

  datasetBuild(id: string): Promise<DatasetBuild> {
    return this.call('GET', `/v1/datasets/${encodeURIComponent(id)}`);
  }

  datasetBuilds(): Promise<{ builds: DatasetBuild[] }> {
    return this.call('GET', '/v1/datasets');
  }

  /** Polls a build until it is done; a failed build throws its error. */
  async waitForDatasetBuild(
    id: string,
    onProgress?: (b: DatasetBuild) => void,
    intervalMs = 250,
  ): Promise<DatasetBuild> {
    const since = Date.now();
    for (;;) {
      const b = await this.datasetBuild(id);
      onProgress?.(b);
      if (b.state === 'done') return b;
      if (b.state === 'failed')
        throw new SwardApiError(
          'BUILD_FAILED',
          `dataset build ${id} failed: ${b.error ?? 'no reason given'}`,
          0,
        );
      await new Promise((r) => setTimeout(r, pollDelay(intervalMs, Date.now() - since)));
    }
  }

  /** A finished build's files as its signed manifest lists them (path, sha256, size). */
  datasetFiles(id: string): Promise<DatasetFiles> {
    return this.call('GET', `/v1/datasets/${encodeURIComponent(id)}/files`);
  }

  /**
   * A finished build's valuation report (rows, tokens, domains, languages, quality, near-duplicates,
   * freshness, licences, purposes, opt-outs), beside `reference`: another build id, or `builtin`.
   */
  datasetReport(id: string, opts: { reference?: string } = {}): Promise<DatasetValuation> {
    return this.call('GET', `/v1/datasets/${encodeURIComponent(id)}/report${reportQuery(opts)}`);
  }

  /** The same report as one self-contained HTML page (inline CSS and SVG, no script). */
  datasetReportHtml(id: string, opts: { reference?: string } = {}): Promise<string> {
    return this.call(
      'GET',
      `/v1/datasets/${encodeURIComponent(id)}/report.html${reportQuery(opts)}`,
      undefined,
      'text',
    );
  }

  /** One file of a finished build, as a stream (shards are ~256 MB); `provenance/manifest.note` too. */
  datasetFile(id: string, path: string): Promise<ReadableStream<Uint8Array>> {
    return this.stream(`/v1/datasets/${encodeURIComponent(id)}/file?path=${encodeURIComponent(path)}`, path);
  }

  /** The calling key: its tenant, role and scopes. */
  keyIdentity(): Promise<ApiAnswer<'GET /v1/keys/me'>> {
    return this.call('GET', '/v1/keys/me');
  }

  /** Publishes a finished build of yours, or a labelling project's export as it stands now (`project`), as `<your tenant>/<name>@<version>` in the catalogue. */
  publishDataset(req: CataloguePublishRequest): Promise<CatalogueVersion> {
    return this.call('POST', '/v1/catalogue', req);
  }

  /** The catalogue versions your tenant may see, newest first (deprecated ones with `deprecated: true`). */
  async catalogue(
    opts: { deprecated?: boolean; owner?: string; limit?: number } = {},
  ): Promise<CatalogueVersion[]> {
    const q = new URLSearchParams();
    if (opts.deprecated) q.set('deprecated', 'true');
    if (opts.owner) q.set('owner', opts.owner);
    if (opts.limit) q.set('limit', String(opts.limit));
    const qs = q.size ? `?${q}` : '';
    return (await this.call<{ versions: CatalogueVersion[] }>('GET', `/v1/catalogue${qs}`)).versions;
  }

  /** Every version of one dataset you may see, newest first, deprecated ones included. */
  async catalogueVersions(owner: string, name: string): Promise<CatalogueVersion[]> {
    return (await this.call<{ versions: CatalogueVersion[] }>('GET', catPath(owner, name))).versions;
  }

  /** One version: files, licences, price per download, changes against the previous version. */
  catalogueVersion(owner: string, name: string, version: string): Promise<CatalogueVersion> {
    return this.call('GET', catPath(owner, name, version));
  }

  /** Every URL added, removed or changed against the previous version, a page at a time. */
  async catalogueChanges(
    owner: string,
    name: string,
    version: string,
    opts: { limit?: number; offset?: number } = {},
  ): Promise<NonNullable<CatalogueVersion['changes']>['rows']> {
    const q = `?limit=${opts.limit ?? 100}&offset=${opts.offset ?? 0}`;
    return (
      await this.call<{ rows: NonNullable<CatalogueVersion['changes']>['rows'] }>(
        'GET',
        `${catPath(owner, name, version)}/changes${q}`,
      )
    ).rows;
  }

  /** Deprecates a version of yours: still downloadable, with a warning; left out of lists by default. */
  deprecateDataset(owner: string, name: string, version: string, reason: string): Promise<CatalogueVersion> {
    return this.call('POST', `${catPath(owner, name, version)}/deprecate`, { reason });
  }

  /**
   * Buys one download of a whole version: charged now per its rows' creator terms, up to `maxPrice` (USD);
   * a priced version without it, or above it, is refused with PAYMENT_REQUIRED and nothing is charged.
   */
  createCatalogueDownload(
    owner: string,
    name: string,
    version: string,
    req: CatalogueDownloadRequest = {},
  ): Promise<CatalogueDownload> {
    return this.call('POST', `${catPath(owner, name, version)}/downloads`, req);
  }

  /** One of your downloads, with its files (fetching them again under it charges nothing). */
  catalogueDownload(id: string): Promise<CatalogueDownload> {
    return this.call('GET', `/v1/dataset-downloads/${encodeURIComponent(id)}`);
  }

  /** Your tenant's downloads, newest first. */
  async catalogueDownloads(): Promise<Omit<CatalogueDownload, 'files'>[]> {
    return (
      await this.call<{ downloads: Omit<CatalogueDownload, 'files'>[] }>('GET', '/v1/dataset-downloads')
    ).downloads;
  }

  /** Who downloaded a version of yours, when, what it cost and how much they fetched. */
  async catalogueDownloadsOf(
    owner: string,
    name: string,
    version: string,
  ): Promise<Omit<CatalogueDownload, 'files'>[]> {
    return (
      await this.call<{ downloads: Omit<CatalogueDownload, 'files'>[] }>(
        'GET',
        `${catPath(owner, name, version)}/downloads`,
      )
    ).downloads;
  }

  /** One file of a download, as a stream; `provenance/manifest.note` too. */
  catalogueDownloadFile(id: string, path: string): Promise<ReadableStream<Uint8Array>> {
    return this.stream(
      `/v1/dataset-downloads/${encodeURIComponent(id)}/file?path=${encodeURIComponent(path)}`,
      path,
    );
  }

  private async stream(url: string, path: string): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${this.opts.apiKey}` },
    });
    if (!res.ok || !res.body) {
      const j = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new SwardApiError(
        swardErrorCode(j?.error?.code),
        j?.error?.message ?? `GET file ${path}: HTTP ${res.status}`,
        res.status,
      );
    }
    return res.body;
  }
}

const reportQuery = (o: { reference?: string }) =>
  o.reference === undefined ? '' : `?reference=${encodeURIComponent(o.reference)}`;
