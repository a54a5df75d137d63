import {
  type Capture,
  type CaptureBatchItem,
  CoreError,
  checkCaptureBody,
  jobPurpose,
  normalizeUrl,
  parseTdmRep,
  type ReceiptCreatorTerms,
  redirectChainProblem,
  robotsStateFromStatus,
  robotsVerdict,
  type SignedCapture,
  sha256Hex,
  signedCaptureBytes,
  tdmReserved,
  verifySignedCaptureBytes,
} from '@sward/core';
import { EXTRACTOR } from '@sward/extract/light';
import type { BlobStore } from '../blob/blob-store.js';
import { crawlScope } from '../crawl/scope.js';
import { CoordinatorError } from '../errors.js';
import type { SpotChecks } from '../spot-check/spot-checks.js';
import { parseSpotCheckTask } from '../spot-check/task.js';
import type { NodeStanding } from '../store/auth-store.js';
import type { NewCapture } from '../store/capture-store.js';
import { crawlDelayTooLong, REFUSED_ADDRESS } from '../store/frontier-store.js';
import { CANCELLED_REASON } from '../store/job-cancel.js';
import { pageFailed } from '../store/page-failures.js';
import {
  agreeingText,
  CLOSES,
  CLOSES_EFFECT,
  independent,
  lastJoined,
  NONE,
  otherOperatorActive,
  type PendingAnswer,
  TEXT,
} from '../store/policy-answers.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { Store } from '../store/store.js';
import type { CaptureRow, Job, LeaseRow } from '../store/types.js';
import { accessVerdict, chargedMicros } from './access-verdict.js';
import { captureUploadSchema, type FailureReport } from './capture-input.js';
import { CommitGroups } from './commit-groups.js';
import type { CaptureLedger, CollectionAnswers, CreatorPageTerms } from './ingest-hooks.js';
import { PageRights, PolicyDocCache } from './page-rights.js';
import { type PageVerdict, pageVerdict } from './page-verdict.js';
import { commitPlainPages, finalUrlOf, isPlain } from './plain-pages.js';
import { replaceRefutedPage } from './refuted-page.js';

export interface IngestResult {
  captureId: string;
  outcome: string;
  reason: string | null;
}

/** A page capture that passed every check, its body stored, waiting for its transaction. */
interface PreparedPage {
  l: LeaseRow;
  c: Capture;
  verdict: PageVerdict;
  captureId: string;
  signed: string;
  job: Job | null;
  body: Buffer;
  /** RSL licences the page named that must be fetched before it is judged again (verdict `retry`). */
  licences: string[];
  /** The creator terms the page's lease went out under (recorded in its receipt), or null. */
  creator: ReceiptCreatorTerms | null;
}

/** A batch's checked pages, by position in the batch, waiting for their transaction; `last` ends its part. */
interface BatchCommit {
  pages: [number, PreparedPage][];
  last: ((tx: SqlExecutor) => Promise<void>) | undefined;
}

/** A capture's refusal in a batch; anything but a verdict on the capture fails the whole request. */
function refusal(e: unknown): BatchResult {
  if (!(e instanceof CoordinatorError)) throw e;
  return { accepted: false, error: { code: e.code, message: e.message } };
}

/** One capture's answer in a batch, in the batch's order. */
export type BatchResult =
  | ({ accepted: true } & IngestResult)
  | { accepted: false; error: { code: string; message: string } };

/** RFC 9309 §2.5: crawlers must parse at least 500 KiB of robots.txt; we keep that much. */
const ROBOTS_MAX = 500 * 1024;
/** RSL licences are small XML files; a larger answer is cut there (and then does not parse: no licence). */
const RSL_MAX = 1024 * 1024;

/**
 * Checks a node's capture end to end before anything is stored: schema, signature, that the signer is
 * the authenticated node and is known and not revoked, that it holds the lease for that URL and job,
 * and that the body matches its hash. Then applies the crawl's policy and records the outcome in one
 * transaction.
 */
export class Ingest {
  /** Told when a stored page waits for its document (the extraction pool wakes up). */
  onExtractionQueued: () => void = () => {};
  private readonly policyDocs = new PolicyDocCache();

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly spotChecks: SpotChecks,
    private readonly rewards: CaptureLedger,
    private readonly collections: CollectionAnswers,
    private readonly creatorTerms: CreatorPageTerms | null = null,
  ) {
    this.batchCommits = new CommitGroups(
      (batches) => this.store.db.transaction((tx) => this.commitBatches(tx, batches)),
      store.db.dialect === 'sqlite',
    );
  }

  /** One capture, body base64 in JSON (POST /v1/nodes/captures, kept for older nodes). */
  async acceptCapture(sessionNodeId: string, input: unknown): Promise<IngestResult> {
    const upload = captureUploadSchema.safeParse(input);
    if (!upload.success)
      throw new CoordinatorError('BAD_REQUEST', `capture upload: ${upload.error.issues[0]?.message}`);
    const { capture, signature, body } = upload.data;
    return this.acceptSigned(sessionNodeId, capture, signature, Buffer.from(body, 'base64'));
  }

  /**
   * A node's batch (POST /v1/nodes/capture-batch). Every capture goes through every check first (signature,
   * session node, lease, redirect chain, body hash, policy verdict; its body is stored), reading what the
   * checks need in one statement per table for the whole batch; then the batch's pages are committed in one
   * transaction, on SQLite shared with the other batches that reached their commit in the same turn of the
   * event loop (batchCommits). Their leases are checked again under lock, in one statement: a capture whose
   * lease expired meanwhile, or that answers a lease another capture answered first, is refused alone, by
   * position and reason, before anything is written. The plain pages of a crawl (plain-pages.ts) are then
   * recorded with one multi-row statement per table; the others (a live collection's, charged ones, retries,
   * a final URL stored before) each under its own savepoint, rolled back alone if refused. Errors that are not
   * a verdict on a capture (the database is down) fail the whole request: the node sends it again, and
   * captures already accepted get the same answer (a capture's id is the hash of its signed record).
   * `last`: run at the end of the batch's transaction (its group's) when it opens one (the node's next
   * leases, claimed in it on SQLite); a batch with no page to commit opens none and does not run it.
   */
  async acceptBatch(
    sessionNodeId: string,
    items: readonly CaptureBatchItem[],
    standing?: NodeStanding,
    last?: (tx: SqlExecutor) => Promise<void>,
  ): Promise<BatchResult[]> {
    await this.requireActiveNode(sessionNodeId, standing);
    const out: BatchResult[] = new Array(items.length);
    const verified: [number, Verified, Buffer][] = [];
    for (const [i, it] of items.entries()) {
      try {
        const body = Buffer.from(it.body.buffer, it.body.byteOffset, it.body.byteLength);
        verified.push([i, verify(it.capture, it.signature), body]);
      } catch (e) {
        out[i] = refusal(e);
      }
    }
    const reads = await this.batchReads(verified.map(([, v]) => v));
    const pages: [number, PreparedPage][] = [];
    // captures answered by their checks (a policy file, a spot check, a resend), should one come twice
    const early = new Map<string, IngestResult>();
    for (const [i, v, body] of verified) {
      try {
        const again = early.get(v.captureId);
        const p = again ?? (await this.prepare(sessionNodeId, v, body, false, reads));
        if ('outcome' in p) {
          early.set(v.captureId, p);
          out[i] = { accepted: true, ...p };
        } else pages.push([i, p]);
      } catch (e) {
        out[i] = refusal(e);
      }
    }
    if (!pages.length) return out;
    for (const [i, r] of await this.batchCommits.submit({ pages, last })) out[i] = r;
    if (pages.some(([i, p]) => out[i]?.accepted && p.verdict.outcome === 'stored' && p.verdict.extractLater))
      this.onExtractionQueued();
    return out;
  }

  /**
   * Capture batches that reach their commit in one turn of the event loop, from any nodes, share one
   * transaction on SQLite (commit-groups.ts): one BEGIN/COMMIT, and one multi-row statement per table for
   * all their plain pages. Each batch's answers stay its own: a refused capture is refused by position, and
   * a batch whose part throws sends the group back to commit each batch alone.
   */
  private readonly batchCommits: CommitGroups<BatchCommit, Map<number, BatchResult>>;

  /**
   * Runs `fn` in the transaction the capture batches of this turn of the event loop share (SQLite), after
   * their pages, or in a transaction of its own (PostgreSQL): a node's lease claim that comes with other
   * nodes' batches costs no BEGIN/COMMIT of its own. A throw fails only this call: the group is committed
   * again without it.
   */
  async inBatchTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.store.db.dialect !== 'sqlite') return this.store.db.transaction(fn);
    let out: { value: T } | undefined;
    await this.batchCommits.submit({
      pages: [],
      last: async (tx) => {
        out = { value: await fn(tx) };
      },
    });
    return (out as { value: T }).value;
  }

  /** The pages of `batches` in `tx`; for each batch, the answers by the position of the capture in it. */
  private async commitBatches(
    tx: SqlExecutor,
    batches: readonly BatchCommit[],
  ): Promise<Map<number, BatchResult>[]> {
    const outs = batches.map(() => new Map<number, BatchResult>());
    /** A page of a batch: [batch, position in it, page]. */
    type Entry = [number, number, PreparedPage];
    const answer = ([b, i]: Entry, r: BatchResult) => outs[b]?.set(i, r);
    const answered = new Map<string, IngestResult>();
    // the same capture twice (in one batch, or a node's batch sent again): the second gets the first's answer
    const echoes: Entry[] = [];
    const first = new Map<string, Entry>();
    for (const [b, batch] of batches.entries())
      for (const [i, p] of batch.pages)
        if (first.has(p.captureId)) echoes.push([b, i, p]);
        else first.set(p.captureId, [b, i, p]);
    const locked = await this.store.frontier.leasesByIds(
      [...first.values()].map(([, , p]) => p.c.leaseId),
      tx,
      true,
    );
    // PostgreSQL: the job rows after the URL rows, in one order (see commitPageIn).
    const jobIds = [...new Set([...first.values()].map(([, , p]) => p.l.jobId))].sort();
    if (this.store.db.dialect === 'postgres')
      await tx.all(
        `SELECT id FROM jobs WHERE id IN (${jobIds.map(() => '?').join(', ')}) ORDER BY id FOR UPDATE`,
        jobIds,
      );
    const now = this.now();
    const answering = new Set<string>();
    const plain: Entry[] = [];
    const alone: Entry[] = [];
    for (const e of first.values()) {
      const p = e[2];
      try {
        // a lease answered by an earlier capture of this transaction is no longer open for this one
        checkLease(
          answering.has(p.c.leaseId) ? undefined : locked.get(p.c.leaseId),
          p.c.nodeId,
          p.c.leaseId,
          p.c.jobId,
          p.c.requestedUrl,
          now,
        );
      } catch (err) {
        answer(e, refusal(err));
        continue;
      }
      answering.add(p.c.leaseId);
      (isPlain(p) ? plain : alone).push(e);
    }
    // A page whose final URL was stored before, or twice in this transaction, is judged alone (after the others).
    const candidates = plain.filter(([, , p]) => p.verdict.outcome === 'stored');
    const later = new Set<string>();
    for (const jobId of new Set(candidates.map(([, , p]) => p.l.jobId))) {
      const mine = candidates.filter(([, , p]) => p.l.jobId === jobId);
      const urls = mine.map(([, , p]) => finalUrlOf(p.c));
      const seen = new Set((await this.store.captures.storedWithFinalUrls(tx, jobId, urls)).keys());
      mine.forEach(([, , p], k) => {
        const url = urls[k] as string;
        if (seen.has(url)) later.add(p.captureId);
        seen.add(url);
      });
    }
    const batched = plain.filter(([, , p]) => !later.has(p.captureId));
    alone.push(...plain.filter(([, , p]) => later.has(p.captureId)));
    if (batched.length) {
      const results = await commitPlainPages(
        tx,
        { store: this.store, rewards: this.rewards, spotChecks: this.spotChecks, now },
        batched.map(([, , p]) => p),
      );
      batched.forEach((e, k) => {
        const r = results[k] as IngestResult;
        answered.set(r.captureId, r);
        answer(e, { accepted: true, ...r });
      });
    }
    for (const e of alone) {
      await tx.run('SAVEPOINT capture');
      try {
        const r = await this.commitPageIn(tx, e[2]);
        await tx.run('RELEASE SAVEPOINT capture');
        answered.set(e[2].captureId, r);
        answer(e, { accepted: true, ...r });
      } catch (err) {
        await tx.run('ROLLBACK TO SAVEPOINT capture');
        await tx.run('RELEASE SAVEPOINT capture');
        answer(e, refusal(err));
      }
    }
    for (const e of echoes) {
      const r = answered.get(e[2].captureId);
      const f = first.get(e[2].captureId) as Entry;
      answer(e, r ? { accepted: true, ...r } : (outs[f[0]]?.get(f[1]) as BatchResult));
    }
    for (const jobId of jobIds) await this.store.frontier.finishIfDone(tx, jobId);
    for (const b of batches) await b.last?.(tx);
    return outs;
  }

  /** What the checks of a batch's captures read, one statement per table (prepare falls back per capture). */
  private async batchReads(vs: readonly Verified[]): Promise<BatchReads | undefined> {
    if (vs.length < 2) return undefined;
    const leaseIds = vs.map((v) => v.sc.capture.leaseId);
    const leases = await this.store.frontier.leasesByIds(leaseIds);
    return {
      captures: await this.store.captures.byIds(vs.map((v) => v.captureId)),
      leases,
      jobs: await this.store.frontier.jobsByIds([...leases.values()].map((l) => l.jobId)),
      creator: this.creatorTerms ? await this.creatorTerms.termsOfLeases(this.store.db, leaseIds) : null,
    };
  }

  private async acceptSigned(
    sessionNodeId: string,
    capture: unknown,
    signature: unknown,
    body: Buffer,
  ): Promise<IngestResult> {
    const p = await this.prepare(sessionNodeId, verify(capture, signature), body, true);
    if ('outcome' in p) return p;
    const result = await this.store.db.transaction(async (tx) => {
      const r = await this.commitPageIn(tx, p);
      await this.store.frontier.finishIfDone(tx, p.l.jobId);
      return r;
    });
    if (p.verdict.outcome === 'stored' && p.verdict.extractLater) this.onExtractionQueued();
    return result;
  }

  /**
   * Every check of a capture that needs no write: signature, that the signer is the session's node (and, when
   * `checkNode`, registered and not revoked), its lease, redirect chain and body hash. A page capture comes
   * back with its policy verdict, its body stored, for commitPageIn; a resent capture, a policy file or a
   * spot check is answered here.
   */
  private async prepare(
    sessionNodeId: string,
    v: Verified,
    body: Buffer,
    checkNode: boolean,
    reads?: BatchReads,
  ): Promise<IngestResult | PreparedPage> {
    const { sc, leaf, captureId } = v;
    const c = sc.capture;
    // A node that lost our answer posts the same capture again: give the same answer, store nothing new.
    const already = reads ? reads.captures.get(captureId) : await this.store.captures.byId(captureId);
    if (already && already.nodeId === sessionNodeId)
      return { captureId, outcome: already.outcome, reason: already.reason };
    if (c.nodeId !== sessionNodeId)
      throw new CoordinatorError(
        'BAD_SIGNATURE',
        `capture is signed by node ${c.nodeId}, not the session's node`,
      );
    if (checkNode) await this.requireActiveNode(c.nodeId);
    const lease = reads ? reads.leases.get(c.leaseId) : await this.store.frontier.getLease(c.leaseId);
    checkLease(lease, c.nodeId, c.leaseId, c.jobId, c.requestedUrl, this.now());
    checkFetchTimes(c, this.now());
    const forged = redirectChainProblem(c);
    if (forged) await this.rejectForged(lease as LeaseRow, c, captureId, forged);
    try {
      checkCaptureBody(c, body);
    } catch (e) {
      throw new CoordinatorError('HASH_MISMATCH', (e as Error).message);
    }
    const signed = leaf.toString('utf8');
    const l = lease as LeaseRow;
    if (l.kind === 'spotcheck') return this.commitSpotCheck(l, c, body, captureId, signed);
    if (l.kind !== 'page' && l.kind !== 'feed') return this.commitPolicy(l, c, body, captureId, signed);
    const job = reads?.jobs.get(l.jobId) ?? (await this.store.frontier.getJob(l.jobId)) ?? null;
    const collectionId = job?.collectionId ?? null;
    // A live collection's named sources may be feeds or pages, whatever their URL looks like.
    const feeds = !collectionId ? 'never' : l.kind === 'feed' ? 'expect' : l.depth === 0 ? 'sniff' : 'never';
    // A crawl's documents are made off the capture path (extraction-pool.ts); a live collection chunks its
    // document in the capture's transaction, so it is extracted here.
    // The job's purpose is decided again on the response (headers, HTML): a refused body is never stored.
    const db = this.store.db;
    const rights = await PageRights.of(
      db,
      this.policyDocs,
      this.store.frontier.config.policyTtlMs,
      l,
      c,
      captureId,
      job,
    );
    const opts = { feeds, extract: collectionId !== null, usage: rights.usage } as const;
    // A 402 or a licence 401 is judged from what the node signed about it; anything else by the page rules.
    const access = accessVerdict(c, job?.options.maxPrice);
    let verdict = access ?? (await pageVerdict(c, body, opts));
    if (!access && rights.pendingLicences.length > 0) {
      // A licence named in the HTML may have been read already (for another page): look, then judge again.
      await rights.loadLicences(db, rights.pendingLicences);
      verdict = await pageVerdict(c, body, opts);
    }
    // The scheduler checked the leased URL against the takedowns; a redirect may still lead into one.
    if (verdict.outcome === 'stored' && c.redirects.length > 0) {
      const chain = [...c.redirects.map((h) => h.url), c.finalUrl];
      if (await this.store.takedowns.anyTakenDown(chain))
        verdict = {
          outcome: 'skipped',
          reason: 'takedown',
          detail: `redirected to ${c.finalUrl}, which a takedown removes (GET /v1/takedowns)`,
        };
    }
    // The creator terms the lease went out under: the receipt names them, the charge uses their price.
    const creator = !this.creatorTerms
      ? null
      : reads?.creator
        ? (reads.creator.get(c.leaseId) ?? null)
        : await this.creatorTerms.termsOfLease(db, c.leaseId);
    // A redirect into a claimed domain the lease was not made under: that owner's purposes and price were
    // never checked nor held against the budget, so the page is not stored (a way round a price otherwise).
    if (verdict.outcome === 'stored' && c.redirects.length > 0 && this.creatorTerms) {
      const there = await this.creatorTerms.forHost(db, new URL(c.finalUrl).hostname);
      if (there && there.domain !== creator?.domain)
        verdict = {
          outcome: 'skipped',
          reason: 'creator:redirected-into-terms',
          detail: `redirected to ${c.finalUrl}, under the terms of ${there.domain} (v${there.version}, GET /v1/terms/${there.domain}), which this page's lease was not made under`,
        };
    }
    if (verdict.outcome === 'stored') await this.blobs.put(c.bodySha256, body);
    // The leaf carries the rights receipt: the log's signed checkpoints commit to it (docs/PROTOCOL.md).
    const receipt = rights.receipt(creator);
    const leafText = receipt
      ? signedCaptureBytes(v.captureBytes, { rights: receipt, signature: sc.signature }).toString('utf8')
      : signed;
    return {
      l,
      c,
      verdict,
      captureId,
      signed: leafText,
      job,
      body,
      licences: rights.pendingLicences,
      creator,
    };
  }

  /**
   * A signed capture whose final URL the node could not have reached: the node is charged (it lost a check;
   * its credibility drops and the rewards ledger hears of it) and the URL goes back for another node.
   */
  private async rejectForged(l: LeaseRow, c: Capture, captureId: string, problem: string): Promise<never> {
    await this.store.db.transaction(async (tx) => {
      const lease = await this.lockLease(tx, c);
      await this.spotChecks.chargeSelfEvident(tx, c.nodeId, captureId);
      const now = this.now();
      // an answer that counts as an attempt; the URL goes to another node at once
      const detail = `node ${c.nodeId.slice(0, 12)} sent a capture whose redirect chain does not reach its final URL`;
      await this.store.frontier.retryOrFail(
        tx,
        lease.id,
        lease.attempts + 1,
        'bad_redirect_chain',
        detail,
        now,
        c.nodeId,
        false,
      );
      await this.creatorTerms?.leaseClosed(tx, c.leaseId);
      await this.store.frontier.releaseHost(tx, l.origin, now);
    });
    const { score } = await this.spotChecks.credibility(this.store.db, c.nodeId);
    await this.rewards.recordSpotCheck({
      nodeId: c.nodeId,
      captureId,
      agreed: false,
      reason: 'capture with a final URL its redirect chain does not reach',
      credibility: score,
    });
    throw new CoordinatorError('BAD_REDIRECT_CHAIN', `capture ${captureId}: ${problem}`);
  }

  /** The scheduler's clock, so lease deadlines and origin delays are read on the clock that set them. */
  private now(): number {
    return this.store.frontier.config.clock();
  }

  /** `standing`: as read with the node's session (node-routes.ts), or undefined: read it here. */
  private async requireActiveNode(nodeId: string, standing?: NodeStanding): Promise<void> {
    const node = standing === undefined ? await this.store.auth.getNode(nodeId) : standing;
    if (!node) throw new CoordinatorError('NODE_UNKNOWN', `node ${nodeId} is not registered`);
    if (node.revokedAt !== null) throw new CoordinatorError('NODE_REVOKED', `node ${nodeId} was revoked`);
  }

  /** Re-reads the lease under lock: a capture that raced a lease expiry must not be stored. */
  private async lockLease(tx: SqlExecutor, c: Capture): Promise<LeaseRow> {
    const lease = await this.store.frontier.getLease(c.leaseId, tx);
    checkLease(lease, c.nodeId, c.leaseId, c.jobId, c.requestedUrl, this.now());
    return lease as LeaseRow;
  }

  /** Records a checked page capture in `tx`: the caller's transaction, which finishes the job if it can. */
  private async commitPageIn(tx: SqlExecutor, p: PreparedPage): Promise<IngestResult> {
    const { l, c, verdict, captureId, signed, job, body } = p;
    const collectionId = job?.collectionId ?? null;
    const { frontier, captures } = this.store;
    {
      await this.lockLease(tx, c);
      // PostgreSQL: the captures of one job take the job's row before they change any URL row. A capture
      // settles its own URL row, bumps the job's counter and inserts its links, and a link insert waits for
      // another capture's settled row: without one order, two captures of a job deadlock (measured with
      // 4 nodes on one coordinator: 137 deadlocks in 2,667 transactions, ~1 page/s).
      if (this.store.db.dialect === 'postgres')
        await tx.run('SELECT id FROM jobs WHERE id = ? FOR UPDATE', [l.jobId]);
      const now = this.now();
      let outcome: string = verdict.outcome;
      let reason = 'reason' in verdict ? verdict.reason : null;
      let detail = 'detail' in verdict ? verdict.detail : null;
      const finalUrl = normalizeUrl(c.finalUrl) ?? c.finalUrl;
      let replaces: string | null = null;
      // The job took this page from the archive already (--max-age): the archived capture stays its page.
      const fromArchive =
        verdict.outcome === 'stored'
          ? await this.store.archive.reusedWithFinalUrl(tx, l.jobId, finalUrl)
          : null;
      if (fromArchive) {
        outcome = 'skipped';
        reason = 'duplicate';
        detail = `same final URL as capture ${fromArchive}, taken from the archive`;
      } else if (verdict.outcome === 'stored') {
        const earlier = await captures.storedWithFinalUrl(tx, l.jobId, finalUrl);
        if (earlier) {
          // A page stored under a URL is never shadowed by another node's word: a capture fetched at the URL
          // itself replaces one that only reports a redirect to it, and two nodes disagreeing about the page
          // send the redirect claim to a spot check.
          const direct = fetchedDirectly(c.requestedUrl, finalUrl);
          const earlierDirect = fetchedDirectly(earlier.requestedUrl, earlier.finalUrl);
          await this.spotChecks.checkFinalUrlConflict(
            tx,
            { ...earlier, direct: earlierDirect },
            {
              id: captureId,
              nodeId: c.nodeId,
              requestedUrl: c.requestedUrl,
              direct,
              bodySha256: c.bodySha256,
              contentType: c.headers['content-type'] ?? null,
              body,
            },
          );
          if (direct && !earlierDirect) {
            await captures.supersede(tx, earlier.id, captureId);
            replaces = earlier.id;
            if (!verdict.feed) await tx.run('UPDATE jobs SET stored = stored - 1 WHERE id = ?', [l.jobId]);
          } else {
            outcome = 'skipped';
            reason = 'duplicate';
            detail = `same final URL as capture ${earlier.id}`;
          }
        }
      }
      if (outcome === 'retry' && reason !== 'rsl_license_pending') {
        // The server answered 5xx: the node's word, as a failure report is (store/page-failures.ts). Three nodes
        // of one connection each signing "503" failed any page they chose.
        const r = await pageFailed(
          frontier,
          tx,
          l,
          c.nodeId,
          { code: reason ?? 'retry', detail: detail ?? '', backoff: true },
          now,
        );
        outcome = r === 'retry' ? 'retry' : 'failed';
      } else if (outcome === 'retry') {
        for (const url of p.licences) await frontier.wantLicence(tx, l.origin, url, now);
        // A licence the page names may wait for a node of another operator to confirm it (policy-answers.ts), a
        // wait of the protocol's, not the site's failing: past its attempts the page tries again after
        // LICENCE_WAIT_MS, doubling, LICENCE_WAITS times, rather than fail as rsl_license_pending at once (a
        // Crawl-delay alone outlasted its two quick retries); then it fails so (before, it was fetched once a
        // minute for as long as the licence stayed unconfirmed: a job that never ended, a page asked for forever).
        const tries = l.attempts + 1;
        const waits = tries - frontier.config.maxAttempts;
        const waitsForLicence = reason === 'rsl_license_pending' && waits >= 0 && waits < LICENCE_WAITS;
        const r = await frontier.retryOrFail(
          tx,
          l.id,
          tries,
          reason ?? 'retry',
          detail ?? '',
          now,
          null,
          true,
          !waitsForLicence,
        );
        if (waitsForLicence) await frontier.deferTo(tx, l.id, now + LICENCE_WAIT_MS * 2 ** waits);
        outcome = r === 'retry' ? 'retry' : 'failed';
      } else if (outcome === 'unchanged') {
        // 304 to a conditional request: answered, nothing new to store
        await frontier.settle(tx, l.id, 'stored', 'not_modified', null, captureId);
      } else {
        await frontier.settle(
          tx,
          l.id,
          outcome as 'stored' | 'skipped' | 'failed',
          reason,
          detail,
          captureId,
        );
      }
      await captures.insert(
        tx,
        newCapture(l, c, captureId, signed, outcome as NewCapture['outcome'], reason, finalUrl),
      );
      // Work points are posted in the same transaction: an accepted capture is paid exactly once.
      await this.rewards.recordCapture(tx, { captureId, nodeId: c.nodeId, bytes: c.bodyLength, outcome });
      // Pay-per-crawl: what the site charged (whatever the outcome: it was paid) settles the lease's hold
      // and is debited from the job's tenant, once (the ledger's key is the capture id).
      const charged = chargedMicros(c);
      // A stored page of a claimed domain costs its creator's price, split on the ledger (creators/), and
      // counts against the same budget as the site's charge.
      const creatorCharged =
        p.creator && this.creatorTerms
          ? await this.creatorTerms.answered(tx, {
              leaseId: c.leaseId,
              captureId,
              nodeId: c.nodeId,
              customer: await this.store.payments.tenantOf(tx, l.jobId),
              purpose: job ? jobPurpose(job.options, job.collectionId) : 'train',
              terms: p.creator,
              stored: outcome === 'stored',
              replaces,
            })
          : 0;
      await this.store.payments.settle(tx, c.leaseId, l.jobId, charged + creatorCharged);
      if (charged > 0)
        await this.rewards.recordCharge(tx, {
          captureId,
          tenant: await this.store.payments.tenantOf(tx, l.jobId),
          origin: l.origin,
          micros: charged,
        });
      if (outcome === 'stored' && verdict.outcome === 'stored') {
        if (!verdict.feed) await tx.run('UPDATE jobs SET stored = stored + 1 WHERE id = ?', [l.jobId]);
        // a live collection holds its sources and their entries; it does not follow links
        if (job && !collectionId) await this.enqueueLinks(tx, l, job, finalUrl, verdict.links);
        // A page the site charged for, or served for the job's licence token, is not drawn for a spot check:
        // another node re-fetching it would be charged again, or refused without the token, and be taken
        // for a disagreement (docs/PROTOCOL.md "Spot checks"). Nor is a page its creator was paid for: the
        // check's fetch would pay nobody, so the site would serve a page beyond what the budget bought.
        if (charged === 0 && creatorCharged === 0 && !c.access?.license)
          await this.spotChecks.maybeSchedule(tx, { id: captureId, nodeId: c.nodeId, url: l.url });
        // The extractor's id goes with the document: a bundle names it, and --rederive rebuilds with it.
        if (verdict.document)
          await captures.insertDocument(tx, captureId, l.jobId, {
            ...verdict.document,
            extractor: EXTRACTOR,
          });
        else if (verdict.extractLater) await this.store.extractQueue.add(tx, captureId, l.jobId);
      }
      if (collectionId)
        await this.collections.onAnswer(tx, {
          collectionId,
          lease: l,
          captureId,
          capture: c,
          body,
          outcome,
          reason,
          detail,
          verdict,
        });
      await frontier.releaseHost(tx, l.origin, now);
      return { captureId, outcome, reason };
    }
  }

  /** `job` as read when the capture arrived: only its options are used, and they never change. */
  private async enqueueLinks(
    tx: SqlExecutor,
    l: LeaseRow,
    job: Job,
    finalUrl: string,
    links: string[],
  ): Promise<void> {
    const now = this.now();
    // The final URL of a redirect chain is now stored: mark it seen so it is never fetched again.
    if (finalUrl !== l.url) {
      await tx.run(
        `INSERT INTO urls (job_id, url, origin, kind, depth, state, reason, detail, created_at, updated_at)
         VALUES (?, ?, ?, 'page', ?, 'skipped', 'duplicate', ?, ?, ?) ON CONFLICT (job_id, kind, url) DO NOTHING`,
        [l.jobId, finalUrl, new URL(finalUrl).origin, l.depth, `stored via redirect from ${l.url}`, now, now],
      );
    }
    if (l.depth + 1 > job.options.maxDepth) return;
    const inScope = crawlScope(job.options);
    const seen = new Set<string>();
    const next: { url: string; depth: number }[] = [];
    for (const link of links) {
      const u = normalizeUrl(link);
      if (!u || seen.has(u) || !inScope(u)) continue;
      seen.add(u);
      next.push({ url: u, depth: l.depth + 1 });
    }
    await this.store.frontier.enqueue(tx, l.jobId, next);
  }

  private async commitPolicy(
    l: LeaseRow,
    c: Capture,
    body: Buffer,
    captureId: string,
    signed: string,
  ): Promise<IngestResult> {
    const { frontier, captures } = this.store;
    return this.store.db.transaction(async (tx) => {
      await this.lockLease(tx, c);
      const now = this.now();
      const source = {
        url: l.url,
        captureId,
        status: c.status,
        bodySha256: c.bodySha256,
        fetchedAt: Date.parse(c.fetchEnd),
        detail: null,
      };
      if (l.kind === 'rsl') {
        // An RSL licence decides pages of the origin, never closes it: recorded as answered once confirmed.
        const ok = c.status >= 200 && c.status < 300;
        const xml = ok ? body.subarray(0, RSL_MAX).toString('utf8') : null;
        const answer = textAnswer(xml, `licence answered ${c.status}`);
        if (!(await this.confirmsAnswer(tx, l, c.nodeId, answer, now)))
          return this.awaitingCapture(tx, l, c, captureId, signed, now);
        await frontier.setLicence(tx, l.origin, xml, { ...source, detail: ok ? null : answer.verdict });
        await frontier.settle(tx, l.id, 'stored', null, null, captureId);
        await captures.insert(tx, newCapture(l, c, captureId, signed, 'policy', l.kind, c.finalUrl));
        await frontier.releaseHost(tx, l.origin, now);
        return { captureId, outcome: 'policy', reason: l.kind };
      }
      const robots = l.kind === 'robots' ? robotsStateFromStatus(c.status) : null;
      const text =
        robots === 'fetched'
          ? body.subarray(0, ROBOTS_MAX).toString('utf8')
          : !robots && c.status >= 200 && c.status < 300
            ? body.toString('utf8')
            : null;
      const root = `${l.origin}/`;
      const verdict = robots ? robotsVerdict(l.origin, robots, text, root) : null;
      // A Crawl-delay past --max-crawl-delay ends the origin's pages and spot checks (crawl_delay_too_long) as
      // surely as Disallow: /, so one node's word must not set it either.
      const tooSlow = verdict !== null && crawlDelayTooLong(verdict.crawlDelayMs, frontier.config);
      const closes = verdict
        ? !verdict.allowed || tooSlow
        : text !== null && tdmReserved(parseTdmRep(text), root);
      const said = `${l.kind === 'robots' ? 'robots.txt' : 'tdmrep.json'} answered ${c.status}${
        tooSlow ? ` with Crawl-delay: ${(verdict?.crawlDelayMs ?? 0) / 1000} s` : ''
      }`;
      // Whether it opens or closes the origin, one node's answer waits for another operator's (confirmsAnswer).
      const answer = closes
        ? { verdict: `${said}, closing the origin`, effect: CLOSES_EFFECT, rank: CLOSES }
        : textAnswer(text === null ? null : `${robots ?? ''}\n${agreeingText(l.kind, text)}`, said);
      // (the Crawl-delay it read is kept before the next request, the confirming fetch included)
      if (!(await this.confirmsAnswer(tx, l, c.nodeId, answer, now)))
        return this.awaitingCapture(
          tx,
          l,
          c,
          captureId,
          signed,
          now,
          tooSlow ? 0 : (verdict?.crawlDelayMs ?? 0),
        );
      if (robots) await frontier.setRobots(tx, l.origin, robots, text, source);
      else await frontier.setTdmRep(tx, l.origin, text, source);
      await frontier.settle(tx, l.id, 'stored', null, null, captureId);
      await captures.insert(tx, newCapture(l, c, captureId, signed, 'policy', l.kind, c.finalUrl));
      await frontier.releaseHost(tx, l.origin, now);
      return { captureId, outcome: 'policy', reason: l.kind };
    });
  }

  /**
   * A policy answer not applied yet: its capture is kept (reason awaiting_confirmation), the origin freed after
   * the robots.txt Crawl-delay it read, if any (within --max-crawl-delay).
   */
  private async awaitingCapture(
    tx: SqlExecutor,
    l: LeaseRow,
    c: Capture,
    captureId: string,
    signed: string,
    now: number,
    crawlDelayMs = 0,
  ): Promise<IngestResult> {
    await this.store.captures.insert(
      tx,
      newCapture(l, c, captureId, signed, 'policy', 'awaiting_confirmation', c.finalUrl),
    );
    await this.store.frontier.releaseHost(tx, l.origin, now, crawlDelayMs);
    return { captureId, outcome: 'policy', reason: 'awaiting_confirmation' };
  }

  /**
   * Whether a policy answer (robots.txt, tdmrep.json, an RSL licence; a capture or a failure report) may be
   * applied now. One node's word neither opens nor closes an origin; the rule, against a liar:
   * - an answer with the same effect as another operator's waiting answer is confirmed, and applied;
   * - where operators disagree, neither is applied: the file goes to a node of an operator that has not
   *   answered, whose answer joins the one it agrees with (a third operator decides);
   * - when no operator's node joined for policyConfirmMs, an answer at least as restrictive as every waiting one
   *   stands (a closing answer, as before: a lone operator's second word; in a dispute of two operators, the
   *   more restrictive: a site is never opened on a disputed word, and a liar's "open" never wins);
   * - an answer that does not close stands at once when no other operator answered and no node of another
   *   operator is active (a network of one operator opens a site at once, as it always did).
   * Otherwise the answer is remembered (one per operator) and the file goes back to the queue.
   */
  private async confirmsAnswer(
    tx: SqlExecutor,
    lease: LeaseRow,
    nodeId: string,
    answer: Pick<PendingAnswer, 'verdict' | 'effect' | 'rank'>,
    now: number,
  ): Promise<boolean> {
    const { frontier } = this.store;
    const me = await frontier.witnessOf(tx, nodeId);
    const { operator } = me;
    const pending = await frontier.pendingAnswersOf(tx, lease.id);
    const others = pending.filter((p) => p.operator !== operator);
    // agreement confirms only across networks: a second operator account behind the same connection is no witness
    if (others.some((p) => p.effect === answer.effect && independent(me, p))) return true;
    if (
      pending.length > 0 &&
      now - lastJoined(pending) >= frontier.config.policyConfirmMs &&
      pending.every((p) => answer.rank >= p.rank)
    )
      return true;
    if (answer.rank < CLOSES && others.length === 0) {
      const file = { urlId: lease.id, now };
      if (!(await otherOperatorActive(tx, me, file, frontier.config.nodeTimeoutMs))) return true;
    }
    const mine = pending.find((p) => p.operator === operator);
    await frontier.awaitConfirmation(
      tx,
      lease.id,
      [...others, { nodeId, operator, network: me.network, ...answer, at: mine?.at ?? now }].sort(
        (a, b) => a.at - b.at,
      ),
      now,
    );
    return false;
  }

  /** A checker's fetch of a sampled page: recorded like any capture, then compared with the original. */
  private async commitSpotCheck(
    l: LeaseRow,
    c: Capture,
    body: Buffer,
    captureId: string,
    signed: string,
  ): Promise<IngestResult> {
    const task = parseSpotCheckTask(l.detail);
    // kept: a tie-breaker's fetch is compared with this one too
    await this.blobs.put(c.bodySha256, body);
    const result = await this.store.db.transaction(async (tx) => {
      await this.lockLease(tx, c);
      await this.store.frontier.settle(tx, l.id, 'stored', null, l.detail, captureId);
      await this.store.captures.insert(
        tx,
        newCapture(
          l,
          c,
          captureId,
          signed,
          'spotcheck',
          task ? `check of ${task.captureId}` : null,
          normalizeUrl(c.finalUrl) ?? c.finalUrl,
        ),
      );
      const r = task
        ? await this.spotChecks.resolve(tx, task, {
            captureId,
            nodeId: c.nodeId,
            status: c.status,
            bodySha256: c.bodySha256,
            body,
            contentType: c.headers['content-type'] ?? null,
          })
        : null;
      if (r?.refuted)
        await replaceRefutedPage(tx, this.store, r.refuted, {
          captureId,
          capture: c,
          body,
          finalUrl: normalizeUrl(c.finalUrl) ?? c.finalUrl,
        });
      await this.store.frontier.releaseHost(tx, l.origin, this.now());
      return { captureId, outcome: 'spotcheck', reason: r ? (r.agrees ? 'agrees' : 'disagrees') : null, r };
    });
    // The ledger learns the verdict after the checker's transaction committed (transactions do not nest):
    // a node charged with a false capture loses that capture's points.
    const r = result.r;
    if (task && r?.charged) {
      const { score } = await this.spotChecks.credibility(this.store.db, r.charged);
      await this.rewards.recordSpotCheck({
        nodeId: r.charged,
        captureId: task.captureId,
        agreed: false,
        reason: 'lost a spot check',
        credibility: score,
      });
      if (r.charged === (await this.store.captures.byId(task.captureId))?.nodeId)
        await this.rewards.clawbackCapture(task.captureId, 'spot check found the capture false');
    }
    if (task && r?.credited) {
      const { score } = await this.spotChecks.credibility(this.store.db, r.credited);
      await this.rewards.recordSpotCheck({
        nodeId: r.credited,
        captureId: task.captureId,
        agreed: true,
        reason: 'confirmed by a spot check',
        credibility: score,
      });
    }
    return { captureId: result.captureId, outcome: result.outcome, reason: result.reason };
  }

  /** A node could not get an HTTP answer, or refused the target under its operator's rules. */
  async acceptFailure(sessionNodeId: string, f: FailureReport): Promise<{ outcome: string }> {
    await this.requireActiveNode(sessionNodeId);
    const { frontier } = this.store;
    return this.store.db.transaction(async (tx) => {
      const l = await frontier.getLease(f.leaseId, tx);
      checkLease(l, sessionNodeId, f.leaseId, f.jobId, f.url, this.now());
      const lease = l as LeaseRow;
      const now = this.now();
      let outcome: string;
      const policyFile = lease.kind === 'robots' || lease.kind === 'tdmrep' || lease.kind === 'rsl';
      const source = {
        url: lease.url,
        captureId: null,
        status: null,
        bodySha256: null,
        fetchedAt: now,
        detail: `${f.code}: ${f.message}`,
      };
      if (f.code === 'DOMAIN_DENIED' || f.code === 'CAP_REACHED' || f.code === 'INACTIVE_HOURS') {
        await frontier.handBack(tx, lease.id, sessionNodeId, now);
        outcome = 'handed_back';
      } else if (policyFile && f.code === 'BLOCKED_ADDRESS') {
        // The node's own guard refused the site's address (private, loopback, metadata): nothing the site
        // answered, so no verdict and no first word toward one; the file waits for a node that may fetch it.
        await frontier.handBack(tx, lease.id, sessionNodeId, now, REFUSED_ADDRESS);
        outcome = 'handed_back';
      } else if (
        policyFile &&
        !(await this.confirmsAnswer(tx, lease, sessionNodeId, failureAnswer(lease.kind, f), now))
      ) {
        // robots.txt unreachable closes the origin (RFC 9309); tdmrep.json or a licence unreachable reads as
        // none: either way one node's failure waits for another operator's word
        outcome = 'awaiting_confirmation';
      } else if (lease.kind === 'robots') {
        // RFC 9309 §2.3.1.4: an unreachable robots.txt means complete disallow.
        await frontier.setRobots(tx, lease.origin, 'disallow-all', null, source);
        await frontier.settle(tx, lease.id, 'failed', f.code.toLowerCase(), f.message);
        outcome = 'failed';
      } else if (lease.kind === 'rsl') {
        await frontier.setLicence(tx, lease.origin, null, source);
        await frontier.settle(tx, lease.id, 'failed', f.code.toLowerCase(), f.message);
        outcome = 'failed';
      } else if (lease.kind === 'tdmrep') {
        await frontier.setTdmRep(tx, lease.origin, null, source);
        await frontier.settle(tx, lease.id, 'failed', f.code.toLowerCase(), f.message);
        outcome = 'failed';
      } else if (lease.kind === 'page' || lease.kind === 'feed') {
        // one node's word, whatever its code: tried again by another node (store/page-failures.ts)
        const code = f.code === 'TOO_MANY_REDIRECTS' ? 'redirect_loop' : f.code.toLowerCase();
        outcome = await pageFailed(
          frontier,
          tx,
          lease,
          sessionNodeId,
          { code, detail: f.message, backoff: true },
          now,
        );
      } else {
        // The one kind left, a spot check, whose capture was fetched: one checker's failure (whatever its code) is
        // no end of the check, or one checker (broken, or a liar's) ends it not run on its word. Another node
        // tries, maxAttempts in all.
        outcome = await frontier.retryOrFail(
          tx,
          lease.id,
          lease.attempts + 1,
          f.code.toLowerCase(),
          f.message,
          now,
          sessionNodeId,
        );
      }
      if (outcome === 'failed' && (lease.kind === 'page' || lease.kind === 'feed')) {
        const job = await frontier.getJob(lease.jobId, tx);
        if (job?.collectionId)
          await this.collections.onFailure(tx, job.collectionId, lease, f.code.toLowerCase(), f.message);
      }
      // a lease that closed (anything but a policy file's failure awaiting another node's word) drops its terms row
      if (outcome !== 'awaiting_confirmation') await this.creatorTerms?.leaseClosed(tx, f.leaseId);
      await frontier.releaseHost(tx, lease.origin, now);
      // a failure report takes no job row before: finishIfDone takes it (an extraction round may close the job)
      await frontier.finishIfDone(tx, lease.jobId, true);
      return { outcome };
    });
  }
}

/** A policy answer that does not close the origin: a text the site serves (its effect, by hash), or none. */
function textAnswer(
  text: string | null,
  verdict: string,
): Pick<PendingAnswer, 'verdict' | 'effect' | 'rank'> {
  return text === null
    ? { verdict, effect: 'none', rank: NONE }
    : { verdict, effect: `text:${sha256Hex(Buffer.from(text, 'utf8'))}`, rank: TEXT };
}

/** A policy file no HTTP answer came for: robots.txt closes the origin, tdmrep.json or a licence reads as none. */
function failureAnswer(kind: string, f: FailureReport): Pick<PendingAnswer, 'verdict' | 'effect' | 'rank'> {
  const verdict = `${f.code}: ${f.message.slice(0, 200)}`;
  return kind === 'robots' ? { verdict, effect: CLOSES_EFFECT, rank: CLOSES } : textAnswer(null, verdict);
}

/** Whether a capture was fetched at its final URL itself rather than reached through a redirect it reports. */
function fetchedDirectly(requestedUrl: string, finalUrl: string): boolean {
  return (normalizeUrl(requestedUrl) ?? requestedUrl) === finalUrl;
}

/**
 * A capture whose signature checked out, with its leaf (the signed record), id (the leaf's hash) and
 * canonical capture bytes (the leaf with a receipt is made around them).
 */
interface Verified {
  sc: SignedCapture;
  leaf: Buffer;
  captureBytes: Buffer;
  captureId: string;
}

/** What a batch's checks read before they run (Ingest.batchReads): captures, leases, jobs, creator terms. */
interface BatchReads {
  captures: Map<string, CaptureRow>;
  leases: Map<string, LeaseRow>;
  jobs: Map<string, Job>;
  creator: Map<string, ReceiptCreatorTerms> | null;
}

function verify(capture: unknown, signature: unknown): Verified {
  let checked: ReturnType<typeof verifySignedCaptureBytes>;
  try {
    checked = verifySignedCaptureBytes({ capture, signature });
  } catch (e) {
    if (e instanceof CoreError)
      throw new CoordinatorError(e.code === 'BAD_SIGNATURE' ? 'BAD_SIGNATURE' : 'BAD_REQUEST', e.message);
    throw e;
  }
  const { signed: sc, captureBytes } = checked;
  const leaf = signedCaptureBytes(captureBytes, sc);
  return { sc, leaf, captureBytes, captureId: `c_${sha256Hex(leaf).slice(0, 32)}` };
}

function checkLease(
  lease: LeaseRow | undefined,
  nodeId: string,
  leaseId: string,
  jobId: string,
  url: string,
  now: number,
): asserts lease is LeaseRow {
  // Not a fault of the node (it did the work it was asked for): refused by name, and counted against nothing.
  if (lease?.state === 'skipped' && lease.reason === CANCELLED_REASON)
    throw new CoordinatorError(
      'LEASE_NOT_HELD',
      `lease ${leaseId} is closed: its job ${lease.jobId} was cancelled; the capture is not stored (no penalty)`,
    );
  if (lease?.state !== 'leased')
    throw new CoordinatorError(
      'LEASE_NOT_HELD',
      `lease ${leaseId} is not open (expired, answered or never issued)`,
    );
  if (lease.leasedTo !== nodeId)
    throw new CoordinatorError('LEASE_NOT_HELD', `lease ${leaseId} was not issued to node ${nodeId}`);
  if (lease.jobId !== jobId)
    throw new CoordinatorError(
      'LEASE_NOT_HELD',
      `lease ${leaseId} belongs to job ${lease.jobId}, not ${jobId}`,
    );
  if (lease.url !== url)
    throw new CoordinatorError(
      'LEASE_NOT_HELD',
      `lease ${leaseId} is for ${lease.url}, not ${url.slice(0, 200)}`,
    );
  if ((lease.leaseDeadline ?? 0) < now)
    throw new CoordinatorError('LEASE_EXPIRED', `lease ${leaseId} expired before the capture arrived`);
}

/** How long a page past its attempts first waits for a licence it names to be confirmed; each wait doubles. */
const LICENCE_WAIT_MS = 60_000;
/** Waits for a licence before the page fails as rsl_license_pending: 1 + 2 + 4 + 8 + 16 = 31 min (policyConfirmMs 10). */
const LICENCE_WAITS = 5;

/** How far ahead of the coordinator's clock a node's may run: a fetch said to end later is refused. */
const FETCH_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A capture's fetch times as the node signed them: the end no later than the coordinator received it (give or
 * take FETCH_CLOCK_SKEW_MS), and not before the start. The end is the page's fetch time everywhere after
 * (archive reuse's --max-age, freshness, dataset rows): a future one would keep a page "fresh" for as long.
 */
function checkFetchTimes(c: Capture, now: number): void {
  const start = Date.parse(c.fetchStart);
  const end = Date.parse(c.fetchEnd);
  if (end > now + FETCH_CLOCK_SKEW_MS)
    throw new CoordinatorError(
      'BAD_REQUEST',
      `fetchEnd ${c.fetchEnd} is after the capture arrived (${new Date(now).toISOString()}) by more than ${FETCH_CLOCK_SKEW_MS / 60_000} minutes: is this node's clock right?`,
    );
  if (start > end)
    throw new CoordinatorError('BAD_REQUEST', `fetchStart ${c.fetchStart} is after fetchEnd ${c.fetchEnd}`);
}

/** The stored row of an accepted capture: what every ingest path records, whatever its outcome. */
function newCapture(
  l: LeaseRow,
  c: Capture,
  id: string,
  signed: string,
  outcome: NewCapture['outcome'],
  reason: string | null,
  finalUrl: string,
): NewCapture {
  return {
    id,
    jobId: l.jobId,
    urlId: l.id,
    nodeId: c.nodeId,
    leaseId: c.leaseId,
    requestedUrl: c.requestedUrl,
    finalUrl,
    status: c.status,
    contentType: c.headers['content-type'] ?? null,
    bodySha256: c.bodySha256,
    bodyLength: c.bodyLength,
    fetchedAt: Date.parse(c.fetchEnd),
    signed,
    outcome,
    reason,
  };
}
