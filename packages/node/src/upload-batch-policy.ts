/** What the uploader knows when it decides whether to send the captures waiting now. */
export interface BatchState {
  /** Finished captures waiting to be sent. */
  readonly queued: number;
  readonly queuedBytes: number;
  /** Fetches still running: their captures could join this batch. */
  readonly fetching: number;
  /** How long the oldest waiting capture has waited, ms. */
  readonly oldestWaitMs: number;
  /** The node is stopping: everything goes now. */
  readonly stopping: boolean;
}

export interface BatchLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
  /** The longest a finished capture waits for others. */
  readonly holdMs: number;
}

/**
 * How long to wait before sending what is queued: 0 means send now. The coordinator pays about the same
 * statements for a batch of 16 as for one capture (docs/BENCHMARKS.md), so a finished capture waits for
 * the others in flight, but only until about half of them have finished (the rest would keep the first
 * waiting for the slowest site) and never longer than holdMs (its fetch slot and lease are held meanwhile).
 * An idle node (nothing else in flight) and a stopping one send at once.
 */
export function batchWaitMs(s: BatchState, l: BatchLimits): number {
  if (s.queued === 0) return 0;
  if (s.stopping || s.fetching <= 0) return 0;
  if (s.queued >= l.maxItems || s.queuedBytes >= l.maxBytes) return 0;
  if (s.queued >= s.fetching) return 0;
  return Math.max(0, l.holdMs - s.oldestWaitMs);
}
