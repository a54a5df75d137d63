import type { SkipEvidence, SkipListing } from '@sward/core';
import { TDMREP_FILE_SKIP } from '../store/policy-docs.js';
import type { SkipRowWithSources } from '../store/types.js';

/** Reasons decided from robots.txt (its rules, its unavailability, its Crawl-delay). */
const ROBOTS_REASONS = new Set(['robots', 'robots_unavailable', 'crawl_delay_too_long']);

/**
 * What a skipped or failed URL's reason rests on (core's SkipEvidence): the policy answer its decision
 * recorded, else the page's own signed capture, else nothing, said in so many words.
 */
export function skipEvidence(r: SkipRowWithSources): SkipEvidence {
  const policy = (kind: 'robots' | 'tdmrep', ref: SkipRowWithSources['robots']): SkipEvidence | null =>
    ref ? { kind: 'policy', policy: kind, ...ref } : null;
  if (ROBOTS_REASONS.has(r.reason)) {
    const e = policy('robots', r.robots);
    if (e) return e;
  }
  if (r.reason === TDMREP_FILE_SKIP.reason && r.detail === TDMREP_FILE_SKIP.detail) {
    const e = policy('tdmrep', r.tdmrep);
    if (e) return e;
  }
  if (r.signed) return { kind: 'capture', signedCapture: JSON.parse(r.signed) };
  return {
    kind: 'none',
    why: r.captureId
      ? `the capture ${r.captureId} is not stored`
      : `no node answer decided ${r.reason}: nothing signed to show`,
  };
}

/** A skipped row as the API lists it (and a bundle's skipped.jsonl holds it). */
export function skipListing(r: SkipRowWithSources): SkipListing & { id: number } {
  return {
    id: r.id,
    url: r.url,
    state: r.state,
    reason: r.reason,
    detail: r.detail,
    captureId: r.captureId,
    evidence: skipEvidence(r),
  };
}
