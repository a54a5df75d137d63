import { policyDocs, policyUses } from '../store/policy-docs.js';
import type { Store } from '../store/store.js';
import { type RobotsState, robotsVerdict } from './robots.js';
import { parseTdmRep, type TdmRule } from './tdmrep.js';

/** What one robots.txt answer decided for a job's URLs. */
export interface RobotsDecision {
  /** fetched, allow-all (4xx) or disallow-all (5xx, unreachable). */
  rule: string;
  allowed: number;
  disallowed: number;
  crawlDelayTooLong: number;
  /** Crawl-delay for SwardBot as written, in seconds; null when none applies. */
  crawlDelaySeconds: number | null;
}

/** What one tdmrep.json answer decided: the reservations it holds and how many of the job's URLs they hit. */
export interface TdmRepDecision {
  reservations: TdmRule[];
  reserved: number;
  notReserved: number;
}

/** One policy document a job's decisions rest on (compliance.json). */
export interface ComplianceDocument {
  kind: 'robots' | 'tdmrep';
  origin: string;
  url: string;
  /** The node-signed capture of the answer; null when no node got an HTTP answer (see `detail`). */
  captureId: string | null;
  leafIndex: number | null;
  status: number | null;
  bodySha256: string | null;
  fetchedAt: string;
  detail: string | null;
  decision: RobotsDecision | TdmRepDecision;
  signedCapture: unknown;
}

export interface JobCompliance {
  jobId: string;
  documents: ComplianceDocument[];
}

/**
 * Every robots.txt and tdmrep.json answer the job's URL decisions were made from (each decision records
 * its answers when it is made, so a policy fetched again mid-crawl shows as a second document), with
 * the counts each produced.
 */
export async function jobCompliance(store: Store, jobId: string): Promise<JobCompliance> {
  const uses = await policyUses(store.db, jobId);
  const docs = await policyDocs(store.db, [...new Set(uses.map((u) => u.doc))]);
  const count = (doc: number, decision: string) =>
    uses.filter((u) => u.doc === doc && u.decision === decision).reduce((n, u) => n + u.n, 0);
  const documents: ComplianceDocument[] = [];
  for (const d of docs) {
    const cap = d.captureId ? await store.captures.byId(d.captureId) : undefined;
    let decision: ComplianceDocument['decision'];
    if (d.kind === 'robots') {
      const delay = robotsVerdict(d.origin, d.state as RobotsState, d.body, `${d.origin}/`).crawlDelayMs;
      decision = {
        rule: d.state,
        allowed: count(d.id, 'allowed'),
        disallowed: count(d.id, 'disallowed'),
        crawlDelayTooLong: count(d.id, 'crawl_delay_too_long'),
        crawlDelaySeconds: delay > 0 ? delay / 1000 : null,
      };
    } else {
      decision = {
        reservations: d.body ? parseTdmRep(d.body) : [],
        reserved: count(d.id, 'reserved'),
        notReserved: count(d.id, 'not_reserved'),
      };
    }
    documents.push({
      kind: d.kind,
      origin: d.origin,
      url: d.url,
      captureId: d.captureId,
      leafIndex: cap?.leafIndex ?? null,
      status: d.status,
      bodySha256: d.bodySha256,
      fetchedAt: new Date(d.fetchedAt).toISOString(),
      detail: d.detail,
      decision,
      signedCapture: cap ? JSON.parse(cap.signed) : null,
    });
  }
  return { jobId, documents };
}
