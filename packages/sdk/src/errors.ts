// The subpath, not core's index: the client alone loads no wire schema (see core contract/error-codes.ts).
import { API_ERROR_CODES, type ApiErrorCode } from '@sward/core/error-codes';

/**
 * What an API call's failure is: one of the server's closed error codes (core contract/errors.ts, the
 * same union the coordinator throws), NETWORK when no answer came, HTTP when the answer carried no code
 * this client knows (a proxy's page, a newer coordinator's code), BUILD_FAILED when a dataset build it
 * waited for ended failed.
 */
export type SwardErrorCode = ApiErrorCode | 'NETWORK' | 'HTTP' | 'BUILD_FAILED';

/** The code of an error body as this client types it: a known code, or HTTP. */
export const swardErrorCode = (code: unknown): SwardErrorCode =>
  (API_ERROR_CODES as readonly unknown[]).includes(code) ? (code as ApiErrorCode) : 'HTTP';

/** An API call failed: `code` is the server's error code (or NETWORK, HTTP), `status` the HTTP status. */
export class SwardApiError extends Error {
  override readonly name = 'SwardApiError';
  constructor(
    readonly code: SwardErrorCode,
    message: string,
    readonly status: number,
    options?: { cause?: unknown; retryAfterS?: number },
  ) {
    super(message, options);
    this.retryAfterS = options?.retryAfterS;
  }
  /** On 429: the seconds the coordinator asked to wait (its Retry-After header). */
  readonly retryAfterS: number | undefined;
}
