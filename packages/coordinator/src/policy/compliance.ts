import {
  type ComplianceDocument,
  type JobCompliance,
  parseTdmRep,
  type RobotsDecision,
  type RobotsState,
  robotsVerdict,
} from '@sward/core';
import { jobLicenceDocs, policyDocs, policyUses, usageRefusals } from '../store/policy-docs.js';
import type { Store } from '../store/store.js';
import { licenceOf } from './usage-rights.js';

/**
 * Every robots.txt and tdmrep.json answer the job's URL decisions were made from (each decision records
 * its answers when it is made, so a policy fetched again mid-crawl shows as a second document), with
 * the counts each produced.
 */
export async function jobCompliance(store: Store, jobId: string): Promise<JobCompliance> {
  const uses = await policyUses(store.db, jobId);
  const refusals = await usageRefusals(store.db, jobId);
  const licences = await jobLicenceDocs(store.db, jobId);
  const docs = await policyDocs(store.db, [...new Set([...uses.map((u) => u.doc), ...licences])]);
  const count = (doc: number, decision: string) =>
    uses.filter((u) => u.doc === doc && u.decision === decision).reduce((n, u) => n + u.n, 0);
  const documents: ComplianceDocument[] = [];
  for (const d of docs) {
    const cap = d.captureId ? await store.captures.byId(d.captureId) : undefined;
    let decision: ComplianceDocument['decision'];
    if (d.kind === 'robots') {
      const delay = robotsVerdict(d.origin, d.state as RobotsState, d.body, `${d.origin}/`).crawlDelayMs;
      const robots: RobotsDecision = {
        rule: d.state,
        allowed: count(d.id, 'allowed'),
        disallowed: count(d.id, 'disallowed'),
        crawlDelayTooLong: count(d.id, 'crawl_delay_too_long'),
        crawlDelaySeconds: delay > 0 ? delay / 1000 : null,
      };
      const refused = refusals.filter((r) => r.doc === d.id);
      if (refused.length) robots.usageRefused = Object.fromEntries(refused.map((r) => [r.reason, r.n]));
      decision = robots;
    } else if (d.kind === 'rsl') {
      const licence = licenceOf(d);
      decision = {
        readable: typeof licence !== 'string',
        problem: typeof licence === 'string' ? (d.detail ?? licence) : null,
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
      text: d.body,
      decision,
      signedCapture: cap ? JSON.parse(cap.signed) : null,
    });
  }
  return { jobId, documents };
}
