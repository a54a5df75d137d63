import {
  type PurposeDecision,
  type PurposeDecisions,
  type RightsDocument,
  ROBOTS_AGENT,
  USAGE_PURPOSES,
  type UsagePurpose,
} from '@sward/core';
import {
  decideUsage,
  parseRobotsUsage,
  parseRslDocument,
  type RobotsUsage,
  type RslDocument,
  type UsageDecision,
  type UsageSignals,
} from '@sward/core/usage-policy';

/**
 * The per-purpose decision on a page from every publisher signal (robots.txt Content-Usage, Content-Signal
 * and License, the response's Content-Usage, Content-Signal and Link headers, RSL licences, TDMRep, noai),
 * made with @sward/core/usage-policy's decideUsage. The scheduler asks before leasing, ingest again on the
 * response; the answer for every purpose goes into the page's rights receipt.
 */

/**
 * The skip reason when a licence asks to be paid (or a licence token fetched first). Paying is not wired
 * yet (issue #15 point 3): such a page is skipped under these names, which stay stable. Pay-per-crawl
 * (HTTP 402, crawler-* headers) is decided elsewhere and has its own reasons.
 */
export const RSL_PAYMENT_REQUIRED = 'rsl:payment-required';
export const RSL_LICENSE_TOKEN_REQUIRED = 'rsl:license-token-required';

/** A purpose's decision as a receipt records it: `pay` keeps its kind, with a reason naming what is asked. */
export function purposeDecision(d: UsageDecision): PurposeDecision {
  if (d.decision !== 'pay') return { decision: d.decision, reason: d.reason };
  return { decision: 'pay', reason: d.price?.server ? RSL_LICENSE_TOKEN_REQUIRED : RSL_PAYMENT_REQUIRED };
}

/** What a refusal adds to its reason in a skip's detail: the price a licence asks, when it names one. */
export function offerDetail(d: UsageDecision): string {
  return d.decision === 'pay' && d.price?.amount
    ? `; the licence asks ${d.price.type}: ${d.price.amount.value} ${d.price.amount.currency}`
    : '';
}

/** Decisions for every purpose from one set of signals. */
export function decideAll(url: string, signals: UsageSignals): Record<UsagePurpose, UsageDecision> {
  const out = {} as Record<UsagePurpose, UsageDecision>;
  for (const p of USAGE_PURPOSES) out[p] = decideUsage(p, url, signals);
  return out;
}

export function receiptDecisions(all: Record<UsagePurpose, UsageDecision>): PurposeDecisions {
  return {
    train: purposeDecision(all.train),
    input: purposeDecision(all.input),
    index: purposeDecision(all.index),
  };
}

/** Parsed robots.txt usage rules per policy_docs id: a document never changes under its id. */
// Keyed by policy-document id, and checked against the text: the cache is the process's, and two stores
// in one process (an embedded coordinator and a test's second backend) number their documents alike, so
// an id alone once handed one site's robots.txt rules to another's pages.
const robotsUsageCache = new Map<number, { text: string; usage: RobotsUsage }>();
const CACHE_MAX = 2000;

export function robotsUsageOf(docId: number | null, text: string | null): RobotsUsage | undefined {
  if (text === null) return undefined;
  if (docId === null) return parseRobotsUsage(text, ROBOTS_AGENT);
  const hit = robotsUsageCache.get(docId);
  if (hit && hit.text === text) return hit.usage;
  const usage = parseRobotsUsage(text, ROBOTS_AGENT);
  if (robotsUsageCache.size >= CACHE_MAX) robotsUsageCache.clear();
  robotsUsageCache.set(docId, { text, usage });
  return usage;
}

/**
 * RSL documents that parse; one that does not is reported by name and grants nothing (RSL 1.0 §4.9: a
 * client that cannot read the licence has none).
 */
export function parseRslTexts(texts: readonly string[]): { docs: RslDocument[]; problems: string[] } {
  const docs: RslDocument[] = [];
  const problems: string[] = [];
  for (const t of texts) {
    try {
      docs.push(parseRslDocument(t));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { docs, problems };
}

/**
 * Parsed RSL licences per policy_docs id, checked against the text as robotsUsageCache is (another store in
 * the process may hold a different licence under the same id); one that does not parse is kept as its
 * error message.
 */
const rslCache = new Map<number, { text: string; licence: RslDocument | string }>();

/** The licence a policy_docs row holds, or the reason it grants nothing (none fetched, unreadable). */
export function licenceOf(row: { id: number; body: string | null }): RslDocument | string {
  if (row.body === null) return 'no licence could be fetched';
  const hit = rslCache.get(row.id);
  if (hit && hit.text === row.body) return hit.licence;
  const { docs, problems } = parseRslTexts([row.body]);
  const licence = docs[0] ?? problems[0] ?? 'unreadable licence';
  if (rslCache.size >= CACHE_MAX) rslCache.clear();
  rslCache.set(row.id, { text: row.body, licence });
  return licence;
}

/** A receipt document from a policy_docs row (its body's hash as the node signed it). */
export function policyDocument(
  kind: RightsDocument['kind'],
  row: { url: string; bodySha256: string | null; captureId: string | null } | undefined,
): RightsDocument[] {
  if (!row?.bodySha256) return [];
  return [{ kind, url: row.url, sha256: row.bodySha256, captureId: row.captureId }];
}
