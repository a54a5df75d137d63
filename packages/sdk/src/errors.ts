/** An API call failed: `code` is the server's error code (or NETWORK), `status` the HTTP status. */
export class SwardApiError extends Error {
  override readonly name = 'SwardApiError';
  constructor(
    readonly code: string,
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
