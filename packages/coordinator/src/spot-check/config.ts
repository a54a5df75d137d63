/** Spot checks: a share of accepted captures is fetched again by another node and compared. */
export interface SpotCheckConfig {
  /** Share of stored pages re-fetched by a different node (0..1). */
  rate: number;
  /** Extracted-text similarity (word 5-gram Jaccard) at or above which two fetches agree. */
  similarity: number;
  /**
   * Credibility = (agreements + prior) / (checks + prior): a new node starts at 1 and one lost check
   * costs more the fewer checks it has passed.
   */
  prior: number;
  /** Below this credibility a node gets no more work and its captures are flagged. */
  bar: number;
  /** Length of a sampling epoch: one secret key decides the checks of the captures accepted in it. */
  epochMs: number;
  /** An epoch's key is revealed this long after the epoch ends (covers replicas' clock skew). */
  revealDelayMs: number;
  /**
   * A check no node took this long after it was queued ends as *not run* (SpotChecks.endNotRun): on a network
   * where no node may take it (one node; every node of the capture's operator or network) it would otherwise
   * stay queued for good. Not run counts neither way: nobody is credited or charged.
   */
  notRunAfterMs: number;
  /** The clock checks are queued and ended on (epoch ms; tests move it). */
  clock?: () => number;
}

export const defaultSpotCheckConfig: SpotCheckConfig = {
  rate: 0.05,
  similarity: 0.9,
  prior: 5,
  bar: 0.95,
  epochMs: 3_600_000,
  revealDelayMs: 60_000,
  notRunAfterMs: 24 * 3_600_000,
};

/** Credibility = (credited + prior) / (checks + prior): below `bar` a node's captures are flagged. */
export function credibilityScore(credited: number, charged: number, prior: number): number {
  return (credited + prior) / (credited + charged + prior);
}
