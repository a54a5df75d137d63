/** Why a rewards call was refused; the HTTP layer maps each code to a status in rewards-routes.ts. */
export type RewardsErrorCode =
  | 'BAD_INPUT'
  | 'UNBALANCED'
  | 'NEGATIVE_BALANCE'
  | 'SELF_REFERRAL'
  | 'REFERRAL_CYCLE'
  | 'ALREADY_REFERRED'
  | 'UNKNOWN_CODE'
  | 'NOT_FOUND'
  | 'EPOCH_OPEN'
  | 'BAD_SIGNATURE'
  | 'CONFLICT'
  | 'REVOKED';

export class RewardsError extends Error {
  override readonly name = 'RewardsError';
  constructor(
    readonly code: RewardsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
