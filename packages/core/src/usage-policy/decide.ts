import { type AiprefVerdict, aiprefFor, combineAiprefVerdicts, parseAiprefStatement } from './aipref.js';
import { type ContentSignalVerdict, contentSignalFor, parseContentSignals } from './content-signals.js';
import { longestMatches } from './path-pattern.js';
import { combinePreferences, type UsagePurpose } from './purpose.js';
import type { RobotsUsage } from './robots-usage.js';
import type { RslDocument } from './rsl-document.js';
import { type RslClient, type RslOffer, rslVerdict, strictestRsl } from './rsl-terms.js';

/**
 * Every signal a publisher gave about one page, as fetched at the time of the decision. Each field is
 * optional: an absent signal says nothing. robots.txt Allow/Disallow and TDMRep/noai are computed
 * upstream (coordinator policy/) and passed in as booleans.
 */
export interface UsageSignals {
  /** RFC 9309 verdict for SwardBot; `false` refuses every purpose. */
  robotsAllowed?: boolean;
  /** parseRobotsUsage() of the robots.txt current at fetch time. */
  robots?: RobotsUsage;
  /** Raw `Content-Usage` response header. */
  contentUsageHeader?: string;
  /** Raw `Content-Signal` response header. */
  contentSignalHeader?: string;
  /** Every RSL document that applies to the page (robots License, Link header, HTML). */
  rsl?: readonly RslDocument[];
  /** W3C TDMRep reservation (tdmrep.json or `tdm-reservation: 1`). */
  tdmReserved?: boolean;
  /** `noai` in X-Robots-Tag or a robots meta tag. */
  noai?: boolean;
}

export interface UsageDecision {
  decision: 'allow' | 'skip' | 'pay';
  /** The deciding reason, e.g. `aipref:train-ai=n`, `content-signal:ai-train=no`, `rsl:prohibits ai-input`. */
  reason: string;
  /** Every restriction or grant found, most decisive first; for the capture's rights receipt. */
  reasons: string[];
  /** When `pay`: what the RSL licence asks (the first granting offer). */
  price?: RslOffer;
  /** Duties that come with an `allow`, e.g. `attribution`. */
  obligations?: string[];
}

/** Which signals refuse which purposes; see docs/PUBLISHERS.md for the reasoning. */
const TDMREP_PURPOSES: readonly UsagePurpose[] = ['train', 'input', 'index'];
const NOAI_PURPOSES: readonly UsagePurpose[] = ['train', 'input'];

function aiprefVerdict(purpose: UsagePurpose, path: string, s: UsageSignals): AiprefVerdict {
  const verdicts: AiprefVerdict[] = [];
  if (s.contentUsageHeader !== undefined)
    verdicts.push(aiprefFor(parseAiprefStatement(s.contentUsageHeader), purpose));
  // attach-05 §3.1: the longest matching rule path applies; rules with identical paths combine.
  for (const rule of longestMatches(s.robots?.contentUsage ?? [], path))
    verdicts.push(aiprefFor(rule.statement, purpose));
  return combineAiprefVerdicts(verdicts);
}

function contentSignalVerdict(purpose: UsagePurpose, path: string, s: UsageSignals): ContentSignalVerdict {
  const verdicts: ContentSignalVerdict[] = [];
  if (s.contentSignalHeader !== undefined)
    verdicts.push(contentSignalFor(parseContentSignals(s.contentSignalHeader), purpose));
  for (const rule of longestMatches(s.robots?.contentSignals ?? [], path))
    verdicts.push(contentSignalFor(rule.signals, purpose));
  const preference = combinePreferences(verdicts.map((v) => v.preference));
  return verdicts.find((v) => v.preference === preference) ?? { preference };
}

/**
 * The one decision for a purpose on a page. Most restrictive wins: any refusal skips, else any price
 * pays, else allow. Refusals are reported in this precedence: robots.txt, TDMRep, noai, AIPREF,
 * Content Signals, RSL. A grant never overrides another source's refusal.
 */
export function decideUsage(
  purpose: UsagePurpose,
  pageUrl: string,
  signals: UsageSignals,
  client: RslClient = { userClass: 'commercial' },
): UsageDecision {
  const url = new URL(pageUrl);
  const path = url.pathname + url.search;
  const skips: string[] = [];
  const grants: string[] = [];
  if (signals.robotsAllowed === false) skips.push('robots:disallow');
  if (signals.tdmReserved && TDMREP_PURPOSES.includes(purpose)) skips.push('tdmrep:reserved');
  if (signals.noai && NOAI_PURPOSES.includes(purpose)) skips.push('noai');
  const aipref = aiprefVerdict(purpose, path, signals);
  if (aipref.label) (aipref.preference === 'deny' ? skips : grants).push(`aipref:${aipref.label}`);
  const signal = contentSignalVerdict(purpose, path, signals);
  if (signal.label) (signal.preference === 'deny' ? skips : grants).push(`content-signal:${signal.label}`);
  const rsl = strictestRsl((signals.rsl ?? []).map((doc) => rslVerdict(doc, pageUrl, purpose, client)));
  if (rsl.outcome === 'skip') skips.push(rsl.reason);
  if (rsl.outcome === 'allow') grants.push(rsl.reason);

  if (skips.length > 0)
    return { decision: 'skip', reason: skips[0] as string, reasons: [...skips, ...grants] };
  if (rsl.outcome === 'pay') {
    const price = rsl.offers[0];
    return {
      decision: 'pay',
      reason: rsl.reason,
      reasons: [rsl.reason, ...grants],
      ...(price ? { price } : {}),
    };
  }
  const obligations = rsl.outcome === 'allow' ? rsl.obligations : [];
  return {
    decision: 'allow',
    reason: grants[0] ?? 'no-signal',
    reasons: grants,
    ...(obligations.length > 0 ? { obligations } : {}),
  };
}
