import {
  type Capture,
  jobPurpose,
  type PurposeDecisions,
  type ReceiptCreatorTerms,
  RIGHTS_RECEIPT_VERSION,
  RIGHTS_RECEIPT_WITH_CREATOR,
  type RightsDocument,
  type RightsReceipt,
  responseHeadersDocument,
  responseHeadersSha256,
  sha256Hex,
} from '@sward/core';
import { linkHeaderRefs, type RslDocument } from '@sward/core/usage-policy';
import {
  decideAll,
  licenceOf,
  offerDetail,
  parseRslTexts,
  policyDocument,
  receiptDecisions,
  robotsUsageOf,
} from '../policy/usage-rights.js';
import { latestLicences, type PolicyDocRow, policyDocs } from '../store/policy-docs.js';
import type { SqlExecutor } from '../store/sql-driver.js';
import type { Job, LeaseRow } from '../store/types.js';
import type { PageSignals, UsageRefusal } from './page-verdict.js';

/** policy_docs rows by id: a row never changes once written, so it is kept (bounded) across captures. */
export class PolicyDocCache {
  private readonly rows = new Map<number, PolicyDocRow>();
  constructor(private readonly max = 1000) {}

  async get(db: SqlExecutor, id: number | null | undefined): Promise<PolicyDocRow | undefined> {
    if (id == null) return undefined;
    let row = this.rows.get(id);
    if (!row) {
      row = (await policyDocs(db, [id]))[0];
      if (!row) return undefined;
      if (this.rows.size >= this.max) this.rows.clear();
      this.rows.set(id, row);
    }
    return row;
  }
}

/**
 * The decision on one page's response for its job's purpose, and its rights receipt. `usage` is given to
 * pageVerdict, which calls it with what the response says once it has read it; `receipt` is then the
 * receipt for the log leaf (null when the response was never judged: an error status, a 304).
 */
export class PageRights {
  private decisions: PurposeDecisions | null = null;
  private inline: RightsDocument[] = [];
  private licencesUsed: PolicyDocRow[] = [];
  /** RSL licences the page names that were never fetched (or are older than policyTtlMs): fetch, then retry. */
  pendingLicences: string[] = [];
  private readonly licences = new Map<string, PolicyDocRow>();
  readonly purpose;

  private constructor(
    private readonly lease: LeaseRow,
    private readonly c: Capture,
    private readonly captureId: string,
    job: Job | null,
    private readonly robots: PolicyDocRow | undefined,
    private readonly tdmrep: PolicyDocRow | undefined,
    private readonly ttlMs: number,
  ) {
    this.purpose = job ? jobPurpose(job.options, job.collectionId) : 'train';
  }

  static async of(
    db: SqlExecutor,
    cache: PolicyDocCache,
    ttlMs: number,
    lease: LeaseRow,
    c: Capture,
    captureId: string,
    job: Job | null,
  ): Promise<PageRights> {
    const [robots, tdmrep] = await Promise.all([
      cache.get(db, lease.robotsDoc),
      cache.get(db, lease.tdmrepDoc),
    ]);
    const r = new PageRights(lease, c, captureId, job, robots, tdmrep, ttlMs);
    await r.loadLicences(db, r.namedBeforeBody());
    return r;
  }

  /** Licences named before the body is read: robots.txt `License:` lines and the `Link` header. */
  private namedBeforeBody(): string[] {
    const robots = robotsUsageOf(this.robots?.id ?? null, this.robots?.body ?? null)?.licenses ?? [];
    return [...robots, ...linkHeaderRefs(this.c.headers.link)].flatMap((r) =>
      r.via === 'html-script' ? [] : [r.url],
    );
  }

  /** Reads the latest answers for these licence URLs (pageVerdict is then run again with them). */
  async loadLicences(db: SqlExecutor, urls: readonly string[]): Promise<void> {
    const want = [...new Set(urls)].filter((u) => !this.licences.has(u));
    for (const [url, row] of await latestLicences(db, want)) this.licences.set(url, row);
  }

  readonly usage = (s: PageSignals): UsageRefusal | null => {
    const named = [...new Set([...this.namedBeforeBody(), ...s.rslLinks])];
    const now = Date.now();
    this.pendingLicences = named.filter((u) => {
      const row = this.licences.get(u);
      return !row || now - row.fetchedAt > this.ttlMs;
    });
    if (this.pendingLicences.length > 0) {
      this.decisions = null;
      return {
        retry: true,
        reason: 'rsl_license_pending',
        detail: `the page names RSL licence ${this.pendingLicences[0]}, not read yet: fetched first, then the page again`,
      };
    }
    this.licencesUsed = named.flatMap((u) => {
      const row = this.licences.get(u);
      return row ? [row] : [];
    });
    const fetched: RslDocument[] = this.licencesUsed.flatMap((row) => {
      const d = licenceOf(row);
      return typeof d === 'string' ? [] : [d];
    });
    const { docs: inlineDocs, problems } = parseRslTexts(s.rslScripts);
    const rsl = [...fetched, ...inlineDocs];
    this.inline = s.rslScripts.slice(0, 8).map((xml) => ({
      kind: 'html' as const,
      url: this.c.finalUrl,
      sha256: sha256Hex(Buffer.from(xml, 'utf8')),
      captureId: this.captureId,
    }));
    const all = decideAll(this.lease.url, {
      // the page was leased: robots.txt allowed it and tdmrep.json did not reserve it
      robots: robotsUsageOf(this.robots?.id ?? null, this.robots?.body ?? null),
      contentUsageHeader: this.c.headers['content-usage'],
      contentSignalHeader: this.c.headers['content-signal'],
      rsl,
      tdmReserved: s.tdmHeader,
      noai: s.noaiHeader || s.noaiMeta,
    });
    this.decisions = receiptDecisions(all);
    const mine = this.decisions[this.purpose];
    if (mine.decision === 'allow') return null;
    const d = all[this.purpose];
    // TDMRep and noai keep the reasons and details crawls gave before purposes (skip evidence reads them).
    if (mine.reason === 'tdmrep:reserved')
      return { reason: 'tdmrep', detail: 'tdm-reservation: 1 response header' };
    if (mine.reason === 'noai')
      return {
        reason: 'noai',
        detail: s.noaiHeader
          ? `X-Robots-Tag: ${this.c.headers['x-robots-tag']}`
          : '<meta name="robots" content="noai">',
      };
    const bad = problems.length ? `; unreadable licence: ${problems[0]}` : '';
    return {
      reason: mine.reason,
      detail: `refused for ${this.purpose} by ${this.sources(mine.reason)} (${d.reasons.join(', ') || d.reason})${offerDetail(d)}${bad}`,
    };
  };

  /** Which documents a refusal rests on, for the skip's detail (skipped.jsonl). */
  private sources(reason: string): string {
    if (reason.startsWith('rsl:')) {
      const named = this.licencesUsed.map((r) => r.url);
      return named.length ? `its licence ${named.join(', ')}` : 'its inline licence';
    }
    const robots = this.robots ? `${this.robots.url} or ` : '';
    return `${robots}its response headers`;
  }

  /** The receipt, naming the creator terms the page's lease went out under when there are some. */
  receipt(creator: ReceiptCreatorTerms | null = null): RightsReceipt | null {
    if (!this.decisions) return null;
    const headers = responseHeadersDocument(this.c.headers);
    const documents: RightsDocument[] = [
      ...policyDocument('robots', this.robots),
      ...policyDocument('tdmrep', this.tdmrep),
      ...this.licencesUsed.flatMap((row) => policyDocument('rsl', row)),
      ...(headers
        ? [
            {
              kind: 'headers' as const,
              url: this.c.finalUrl,
              sha256: responseHeadersSha256(headers),
              captureId: this.captureId,
            },
          ]
        : []),
      ...this.inline,
    ];
    const base = { purpose: this.purpose, documents, decisions: this.decisions };
    return creator
      ? { v: RIGHTS_RECEIPT_WITH_CREATOR, ...base, creator }
      : { v: RIGHTS_RECEIPT_VERSION, ...base };
  }
}
