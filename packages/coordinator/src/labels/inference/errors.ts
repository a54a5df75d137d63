/** Why a truth-inference call failed; callers branch on `code` (fix the input vs. fix the call). */
export type InferenceErrorCode = 'BAD_CSV' | 'BAD_INPUT' | 'UNKNOWN_METHOD';

export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  constructor(
    readonly code: InferenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
