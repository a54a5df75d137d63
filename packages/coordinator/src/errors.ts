import type { ApiErrorCode } from '@sward/core';

/**
 * Why a coordinator request failed: the API's closed codes (core contract/errors.ts) and CONFIG, the
 * coordinator's own setup being wrong (refused at start, never sent over HTTP). `httpStatus` maps each
 * code to HTTP in one place (api/app.ts).
 */
export type CoordinatorErrorCode = ApiErrorCode | 'CONFIG';

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
  PAYMENT_REQUIRED: 402,
  STORAGE: 500,
  TIMEOUT: 504,
  CONTRACT_VIOLATION: 500,
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
