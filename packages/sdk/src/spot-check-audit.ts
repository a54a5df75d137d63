import { auditSpotCheckDraws, parseVerifierKey } from '@sward/core';
import type { SwardClient } from './client.js';

export interface SpotCheckAudit {
  /** Captures whose draw was recomputed from a revealed key and matched. */
  confirmed: number;
  /** Captures drawn in an epoch whose key is not revealed yet: audit again later. */
  pending: number;
  /** Captures whose recorded choice is not what the key decides (or whose epoch's proof is bad). */
  wrong: string[];
  /**
   * Drawn captures whose check no node took in time (a network with no node of another operator and network
   * to check them): not checked, whatever their draw says. A check not run is no check passed.
   */
  notRun: string[];
  /** Drawn captures whose check disagreed and whose tie-break no node took in time: the dispute stands. */
  unresolved: string[];
}

/**
 * Checks that the coordinator chose which of `captureIds` to spot-check with the keys it committed to:
 * each epoch's statement is signed by the log's key, each revealed key hashes to its commitment, and each
 * capture's recorded choice is HMAC(key, captureId) < rate. Drawn captures whose check was not run (or whose
 * disagreement stayed unresolved), as the coordinator reports them, are listed apart.
 */
export async function auditSpotChecks(
  client: SwardClient,
  captureIds: readonly string[],
): Promise<SpotCheckAudit> {
  const logKey = parseVerifierKey(await client.logKey());
  const draws = [];
  for (const id of captureIds) draws.push(await client.spotCheckDraw(id));
  const first = Math.min(...draws.map((d) => d.epoch));
  const { origin, epochs } = await client.spotCheckEpochs(Number.isFinite(first) ? first : 0);
  const byEpoch = new Map(epochs.map((e) => [e.epoch, e]));
  const out: SpotCheckAudit = { confirmed: 0, pending: 0, wrong: [], notRun: [], unresolved: [] };
  for (const draw of draws) {
    const id = draw.captureId;
    if (draw.check === 'not_run') out.notRun.push(id);
    if (draw.check === 'unresolved') out.unresolved.push(id);
    const epoch = byEpoch.get(draw.epoch);
    if (!epoch) {
      out.wrong.push(id);
      continue;
    }
    if (epoch.key === null) {
      out.pending++;
      continue;
    }
    try {
      const bad = auditSpotCheckDraws(epoch, origin, logKey, [draw]);
      if (bad.length) out.wrong.push(id);
      else out.confirmed++;
    } catch {
      out.wrong.push(id);
    }
  }
  return out;
}
