/** Closed set of reasons an extract-room call can refuse its input; `extract()` itself never throws. */
export type ExtractErrorCode = 'BAD_OPTION' | 'BAD_PRESET' | 'BAD_DOC_ID';

export class ExtractError extends Error {
  override readonly name = 'ExtractError';
  constructor(
    readonly code: ExtractErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
