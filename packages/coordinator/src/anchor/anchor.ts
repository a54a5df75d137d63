import type { AnchorRef } from '@sward/core';

export type { AnchorRef, FileAnchorRef, SolanaAnchorRef } from '@sward/core';

/**
 * Somewhere a checkpoint hash is committed so it cannot later be denied or rewritten. The returned
 * ref is JSON and goes into proof bundles; `verifyAnchorRef` in core checks it offline.
 */
export interface Anchor {
  readonly kind: string;
  anchor(checkpointHashHex: string): Promise<AnchorRef>;
}
