import { FETCH_FAILURE_CODES, type FetchFailureCode } from '@sward/core/node-side';

export { FETCH_FAILURE_CODES, type FetchFailureCode };

/**
 * Closed set of reasons the node can fail. The fetch codes are exactly the failure codes of
 * docs/PROTOCOL.md (shared with the coordinator through core); the rest are the daemon's own.
 */
export type NodeErrorCode =
  | FetchFailureCode
  | 'CONFIG'
  | 'KEY_FILE'
  | 'AUTH'
  | 'NODE_REVOKED'
  | 'OPERATOR_REFUSED'
  | 'COORDINATOR'
  | 'COORDINATOR_UNREACHABLE'
  | 'STOPPED';

export interface NodeErrorOptions {
  readonly cause?: unknown;
  /** HTTP status of a coordinator answer, when the error is one. */
  readonly status?: number;
  /** The coordinator's own error code (PROTOCOL `{"error": {"code"}}`), when it sent one. */
  readonly remoteCode?: string;
  /** The answer's Retry-After, in ms from when it came (a 503's only: client.ts errorFrom says why). */
  readonly retryAfterMs?: number;
}

export class NodeError extends Error {
  override readonly name = 'NodeError';
  readonly status: number | undefined;
  readonly remoteCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly code: NodeErrorCode,
    message: string,
    options: NodeErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.remoteCode = options.remoteCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isFetchFailureCode(code: string): code is FetchFailureCode {
  return (FETCH_FAILURE_CODES as readonly string[]).includes(code);
}
