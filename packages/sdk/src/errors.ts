/** An API call failed: `code` is the server's error code (or NETWORK), `status` the HTTP status. */
export class SwardApiError extends Error {
  override readonly name = 'SwardApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
