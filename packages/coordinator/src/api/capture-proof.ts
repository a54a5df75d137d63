import type { RowProof } from '@sward/core';
import { CoordinatorError } from '../errors.js';
import type { CaptureRow } from '../store/types.js';
import type { AppDeps } from './deps.js';

/**
 * The proof of `cap` against the latest checkpoint. A capture not yet covered by one is sequenced and
 * checkpointed now rather than make the caller wait for the next round (GET /v1/proofs, POST /v1/scrape).
 */
export async function captureProof(
  {
    store,
    checkpoints,
    flushLog,
    logStore,
  }: Pick<AppDeps, 'store' | 'checkpoints' | 'flushLog' | 'logStore'>,
  found: CaptureRow,
): Promise<RowProof> {
  let cap = found;
  let cp = await checkpoints.latest();
  if (cap.leafIndex === null || !cp || cp.size <= cap.leafIndex) {
    await flushLog();
    cap = (await store.captures.byId(cap.id)) ?? cap;
    cp = await checkpoints.latest();
  }
  if (cap.leafIndex === null || !cp) throw new CoordinatorError('CONFLICT', 'capture is not in the log yet');
  return {
    captureId: cap.id,
    record: JSON.parse(cap.signed) as RowProof['record'],
    leafIndex: cap.leafIndex,
    checkpoint: cp,
    inclusionProof: (await logStore.inclusionProof(cap.leafIndex, cp.size)).map((h) => h.toString('base64')),
  };
}
