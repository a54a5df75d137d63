/** Why a coordinator request failed; `httpStatus` maps each code to HTTP in one place (api/app.ts). */
export type CoordinatorErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'SESSION_EXPIRED'
  | 'NODE_UNKNOWN'
  | 'NODE_REVOKED'
  | 'NODE_DISTRUSTED'
  | 'BAD_SIGNATURE'
  | 'HASH_MISMATCH'
  | 'BAD_REDIRECT_CHAIN'
  | 'LEASE_NOT_HELD'
  | 'LEASE_EXPIRED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'STORAGE'
  /** A synchronous call (POST /v1/scrape) waited its whole timeout. */
  | 'TIMEOUT'
  /** The coordinator's own setup is wrong (refused at start, never sent over HTTP). */
  | 'CONFIG';

const STATUS: Record<CoordinatorErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SESSION_EXPIRED: 401,
  NODE_UNKNOWN: 403,
  NODE_REVOKED: 403,
  NODE_DISTRUSTED: 403,
  BAD_SIGNATURE: 400,
  HASH_MISMATCH: 400,
  BAD_REDIRECT_CHAIN: 400,
  LEASE_NOT_HELD: 409,
  LEASE_EXPIRED: 409,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  STORAGE: 500,
  TIMEOUT: 504,
  CONFIG: 500,
};

export class CoordinatorError extends Error {
  override readonly name = 'CoordinatorError';
  constructor(
    readonly code: CoordinatorErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterS?: number },
  ) {
    super(message, options);
    this.retryAfterS = options?.retryAfterS;
  }
  /** For RATE_LIMITED: whole seconds until a retry can succeed (the Retry-After header). */
  readonly retryAfterS: number | undefined;
  get httpStatus(): number {
    return STATUS[this.code];
  }
}
