import {
  type CrawlOptions,
  canonicalJson,
  durationMs,
  normalizeUrl,
  receiptDecision,
  rightsReceiptSchema,
  type Takedown,
  takedownMatches,
  type UsagePurpose,
} from '@sward/core';
import { crawlScope } from '../crawl/scope.js';
import type { ArchivedCapture, ArchiveStore } from '../store/archive-store.js';
import type { FrontierStore } from '../store/frontier-store.js';
import type { PaymentStore } from '../store/payment-store.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { TakedownStore } from '../store/takedown-store.js';

/**
 * Told when a job took captures from the archive: each is a sale to `buyer`, whose capturing node earns the
 * reuse royalty (rewards/reuse-royalty.ts; rewards sit above the scheduler, so open-store.ts passes it in).
 */
export interface ReuseRoyaltyHook {
  sold(
    tx: SqlExecutor,
    sale: { ref: string; buyer: string; captures: { captureId: string; nodeId: string }[] },
  ): Promise<void>;
}

/** The page URL row about to be leased, and what the scheduler already knows of its job and host. */
export interface ReuseRequest {
  urlId: number;
  jobId: string;
  url: string;
  options: CrawlOptions;
  purpose: UsagePurpose;
  /** The creator terms in force now for the URL's host (null: the host is not claimed). */
  terms: { domain: string; version: number } | null;
  now: number;
}

/** Candidates looked at per URL, newest first: the first one every rule allows is taken. */
const CANDIDATES = 5;

const piiChoice = (o: unknown) => canonicalJson((o as { keepPii?: unknown } | null)?.keepPii ?? false);

/**
 * Archive reuse (`--max-age`, issue #16, docs/PROTOCOL.md "Archive reuse"): a page URL of a job that accepts
 * captures younger than its max age is settled with a stored capture of the archive instead of a lease, when
 * one allows it; its row in the job's output is that capture's (same signed leaf, same inclusion proof).
 * Called by the scheduler after every current policy check of the URL passed (robots.txt, TDMRep, takedowns,
 * usage rules, the creator's purposes), so reuse never goes around a refusal made since the capture.
 *
 * A capture is reusable only if:
 * - its rights receipt allows the job's purpose (receiptDecision, the recorded creator terms included);
 * - neither its URL nor its final URL is taken down;
 * - the creator terms it was captured under are the terms in force now (same domain and version), and their
 *   price is zero: a priced page is fetched again, so its creator is paid under the current terms;
 * - it holds nothing private to the customer it was made for: no licence token was sent, nothing was paid
 *   to the site for it (pay-per-crawl), and its document was made with the same personal-data choice
 *   (keepPii) as this job asks for. Public web captures are otherwise shared across tenants.
 */
export class ArchiveReuse {
  constructor(
    private readonly store: {
      archive: ArchiveStore;
      frontier: FrontierStore;
      payments: PaymentStore;
      takedowns: TakedownStore;
    },
    private readonly royalty: ReuseRoyaltyHook | null = null,
  ) {}

  /** Settles the URL with an archived capture when one is allowed; false: lease it as usual. */
  async take(tx: SqlExecutor, q: ReuseRequest): Promise<boolean> {
    const maxAgeMs = q.options.maxAge ? durationMs(q.options.maxAge) : null;
    if (!maxAgeMs) return false;
    const found = await this.store.archive.candidates(tx, q.url, q.now - maxAgeMs, CANDIDATES);
    for (const c of found) {
      if (c.jobId === q.jobId || !(await this.allowed(tx, c, q))) continue;
      if (await this.store.archive.holdsFinalUrl(tx, q.jobId, c.finalUrl)) return false;
      await this.settle(tx, c, q);
      return true;
    }
    return false;
  }

  private async allowed(tx: SqlExecutor, c: ArchivedCapture, q: ReuseRequest): Promise<boolean> {
    // The log leaf: the node's signed capture (with what it sent and paid: `access`) and the rights receipt.
    let signed: {
      rights?: unknown;
      capture?: { access?: { license?: boolean; charged?: string | null } | null };
    };
    try {
      signed = JSON.parse(c.signed);
    } catch {
      return false;
    }
    const receipt = rightsReceiptSchema.safeParse(signed.rights);
    if (!receipt.success || receiptDecision(receipt.data, q.purpose).decision !== 'allow') return false;
    const access = signed.capture?.access;
    if (access?.license || access?.charged) return false;
    if (piiChoice(q.options) !== piiChoice(JSON.parse(c.jobOptions))) return false;
    const was = receipt.data.creator ?? null;
    if (was || q.terms) {
      if (!was || !q.terms || was.domain !== q.terms.domain || was.version !== q.terms.version) return false;
      if (Number(was.pricePer1000PagesUsd) > 0) return false;
    }
    const hosts = new Set([new URL(q.url).hostname, new URL(c.finalUrl).hostname]);
    const takedowns: Takedown[] = await this.store.takedowns.forHosts(hosts, tx);
    return !takedowns.some((t) => takedownMatches(t, q.url) || takedownMatches(t, c.finalUrl));
  }

  private async settle(tx: SqlExecutor, c: ArchivedCapture, q: ReuseRequest): Promise<void> {
    const { frontier, archive, payments } = this.store;
    const detail = `taken from the archive: capture ${c.id}, fetched ${new Date(c.fetchedAt).toISOString()} (--max-age ${q.options.maxAge})`;
    await frontier.settle(tx, q.urlId, 'stored', 'archive', detail, c.id);
    await archive.record(tx, q.jobId, q.urlId, c.id);
    await tx.run('UPDATE jobs SET stored = stored + 1 WHERE id = ?', [q.jobId]);
    await this.followLinks(tx, c, q);
    await this.royalty?.sold(tx, {
      ref: `job:${q.jobId}`,
      buyer: await payments.tenantOf(tx, q.jobId),
      captures: [{ captureId: c.id, nodeId: c.nodeId }],
    });
  }

  /** The crawl goes on from a reused page as from a fetched one: its document's followed links. */
  private async followLinks(tx: SqlExecutor, c: ArchivedCapture, q: ReuseRequest): Promise<void> {
    const row = await tx.get<{ depth: number }>('SELECT depth FROM urls WHERE id = ?', [q.urlId]);
    const depth = Number(row?.depth ?? 0);
    const now = Date.now();
    const finalUrl = normalizeUrl(c.finalUrl) ?? c.finalUrl;
    if (finalUrl !== q.url)
      await tx.run(
        `INSERT INTO urls (job_id, url, origin, kind, depth, state, reason, detail, created_at, updated_at)
         VALUES (?, ?, ?, 'page', ?, 'skipped', 'duplicate', ?, ?, ?) ON CONFLICT (job_id, kind, url) DO NOTHING`,
        [q.jobId, finalUrl, new URL(finalUrl).origin, depth, `stored via redirect from ${q.url}`, now, now],
      );
    if (depth + 1 > q.options.maxDepth || !c.doc) return;
    const links = (JSON.parse(c.doc) as { links?: { url?: unknown; nofollow?: unknown }[] }).links ?? [];
    const inScope = crawlScope(q.options);
    const seen = new Set<string>();
    const next: { url: string; depth: number }[] = [];
    for (const l of links) {
      const u = typeof l.url === 'string' && !l.nofollow ? normalizeUrl(l.url) : null;
      if (!u || seen.has(u) || !inScope(u)) continue;
      seen.add(u);
      next.push({ url: u, depth: depth + 1 });
    }
    await this.store.frontier.enqueue(tx, q.jobId, next);
  }
}
