// Free of imports: the SDK's client reads these codes through the subpath `@sward/core/error-codes`, so a
// command that only talks to the API (`sward crawl` following its job) loads neither zod nor the wire schemas.

/**
 * The closed set of error codes the coordinator answers with, in `{error: {code, message}}`: the server
 * throws only these (its CoordinatorErrorCode is this union plus CONFIG, a start-up error never sent)
 * and the SDK's SwardApiError carries them (plus NETWORK, when no answer came).
 */
export const API_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'SESSION_EXPIRED',
  'NODE_UNKNOWN',
  'NODE_REVOKED',
  'NODE_DISTRUSTED',
  'BAD_SIGNATURE',
  'HASH_MISMATCH',
  'BAD_REDIRECT_CHAIN',
  'LEASE_NOT_HELD',
  'LEASE_EXPIRED',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  /** A priced download the request did not agree to pay for (no maxPrice, or one below the price). */
  'PAYMENT_REQUIRED',
  'STORAGE',
  /** A synchronous call (POST /v1/scrape) waited its whole timeout. */
  'TIMEOUT',
  /** Only with the contract check on (tests): an answer or request the contract does not describe. */
  'CONTRACT_VIOLATION',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
