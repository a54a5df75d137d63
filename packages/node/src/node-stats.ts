/** What a running node reports: to its embedder (`stats()`), its operator, and the coordinator heartbeat. */
export interface NodeStats {
  readonly id: string;
  readonly version: string;
  readonly startedAt: string;
  readonly state: 'running' | 'paused' | 'stopping' | 'stopped' | 'failed';
  /** Why the node is not leasing (inactive hours, byte cap), when paused. */
  readonly pausedBecause: string | null;
  readonly inFlight: number;
  readonly maxConcurrent: number;
  readonly leased: number;
  readonly captured: number;
  readonly failed: number;
  readonly refused: number;
  readonly reportsRejected: number;
  readonly bytesFetched: number;
  readonly bytesLastHour: number;
  readonly bytesLastDay: number;
  readonly lastError: string | null;
}

export type MutableStats = { -readonly [K in keyof NodeStats]: NodeStats[K] };
