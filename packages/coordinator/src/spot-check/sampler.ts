import { createHash } from 'node:crypto';

/**
 * Whether a capture is spot-checked. Derived from the capture id with a secret-free hash, so the
 * choice is reproducible; a node cannot predict it because the id covers its own fetch times.
 */
export function sampledForSpotCheck(captureId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const h = createHash('sha256').update(`spot-check:${captureId}`).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < rate;
}
