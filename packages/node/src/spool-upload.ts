import type { Logger } from 'pino';
import type { CaptureSpool, SpooledCapture } from './capture-spool.js';
import { NodeError } from './errors.js';
import { messageOf } from './fetch-errors.js';

/** What became of one upload of a spooled capture. */
export type SpoolOutcome = 'accepted' | 'lease_gone' | 'rejected' | 'unsent';

/** The coordinator's answers that mean the lease this capture was fetched for is no longer ours. */
const LEASE_GONE = new Set(['LEASE_NOT_HELD', 'LEASE_EXPIRED']);

/**
 * How an upload ended, from what submit threw (or not): `unsent` keeps the capture spooled for a later
 * try (the coordinator is unreachable or restarting, or this node is stopping); every other answer is
 * final and the capture leaves the spool.
 */
export function spoolOutcome(error: unknown): SpoolOutcome {
  if (error === undefined) return 'accepted';
  if (!(error instanceof NodeError)) return 'unsent';
  if (error.code === 'COORDINATOR_UNREACHABLE' || error.code === 'STOPPED' || error.code === 'NODE_REVOKED')
    return 'unsent';
  if (error.remoteCode && LEASE_GONE.has(error.remoteCode)) return 'lease_gone';
  return 'rejected';
}

/**
 * Applies an upload's outcome to the spool: removes an accepted capture, drops one whose lease is gone or
 * that the coordinator refused (saying why in the log: it is never uploaded again, so never stored twice),
 * and keeps an unsent one for the next drain.
 */
export async function settleSpooled(
  spool: CaptureSpool,
  leaseId: string,
  error: unknown,
  log: Logger,
): Promise<SpoolOutcome> {
  const outcome = spoolOutcome(error);
  if (outcome === 'unsent') {
    spool.done(leaseId);
    return outcome;
  }
  await spool.remove(leaseId);
  if (outcome === 'lease_gone')
    log.warn(
      { leaseId, err: messageOf(error) },
      'spool: dropped a finished capture: its lease is gone (expired or handed to another node), so the coordinator will not take it',
    );
  else if (outcome === 'rejected')
    log.warn({ leaseId, err: messageOf(error) }, 'spool: dropped a finished capture the coordinator refused');
  return outcome;
}

/**
 * Uploads every spooled capture no other upload holds, oldest first, once each. Stops at the first
 * `unsent` (the coordinator is away: the rest would fail the same way) and leaves the rest spooled.
 */
export async function drainSpool(
  spool: CaptureSpool,
  submit: (c: SpooledCapture) => Promise<unknown>,
  log: Logger,
): Promise<Record<SpoolOutcome, number>> {
  const counts: Record<SpoolOutcome, number> = { accepted: 0, lease_gone: 0, rejected: 0, unsent: 0 };
  const taken = await spool.take((file, why) =>
    log.warn({ file, why }, 'spool: removed a file that is not a whole, verifying capture'),
  );
  let away = false;
  for (const c of taken) {
    if (away) {
      spool.done(c.leaseId);
      counts.unsent++;
      continue;
    }
    let error: unknown;
    try {
      await submit(c);
    } catch (e) {
      error = e;
    }
    const outcome = await settleSpooled(spool, c.leaseId, error, log);
    counts[outcome]++;
    if (outcome === 'unsent') away = true;
  }
  if (counts.accepted + counts.lease_gone + counts.rejected > 0)
    log.info({ ...counts, left: spool.size }, 'spool: uploaded finished captures');
  return counts;
}
