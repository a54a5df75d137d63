import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';
import type { NoteVerifier } from './merkle/note-keys.js';
import { verifyNote } from './merkle/signed-note.js';

/**
 * Which accepted captures are fetched again is decided by a coordinator secret per epoch: a 32-byte HMAC
 * key whose SHA-256 (the commitment) is signed and published before the epoch's captures are accepted, and
 * which is revealed once the epoch is over. A node cannot tell which of its captures will be checked when
 * it submits them; anyone can check afterwards that the coordinator picked exactly what the key says.
 */
export const spotCheckEpochSchema = z.object({
  epoch: z.number().int(),
  /** Epoch bounds, ms since 1970: captures accepted in [startsAt, endsAt) are drawn with this key. */
  startsAt: z.number(),
  endsAt: z.number(),
  /** Share of drawn captures that are checked, fixed when the key was committed. */
  rate: z.number(),
  /** Hex SHA-256 of the key bytes. */
  commitment: z.string(),
  /** The commitment as a signed note by the log's key (spotCheckStatementText). */
  statement: z.string(),
  /** Hex key, null until the epoch is revealed. */
  key: z.string().nullable(),
});
export type SpotCheckEpoch = z.output<typeof spotCheckEpochSchema>;

const HEX32 = /^[0-9a-f]{64}$/;

/** HMAC-SHA256(key, "sward-spot-check:v1:" + captureId), its first 48 bits as a number in [0, 1). */
export function spotCheckDraw(keyHex: string, captureId: string): number {
  if (!HEX32.test(keyHex)) throw new CoreError('BAD_KEY', 'a spot-check key is 64 lowercase hex characters');
  const mac = createHmac('sha256', Buffer.from(keyHex, 'hex'))
    .update(`sward-spot-check:v1:${captureId}`)
    .digest();
  return mac.readUIntBE(0, 6) / 2 ** 48;
}

/** Whether the capture is checked in an epoch with this key and rate. */
export function selectedForSpotCheck(keyHex: string, captureId: string, rate: number): boolean {
  return spotCheckDraw(keyHex, captureId) < rate;
}

/** The published commitment to a key: hex SHA-256 of its 32 bytes. */
export function spotCheckCommitment(keyHex: string): string {
  if (!HEX32.test(keyHex)) throw new CoreError('BAD_KEY', 'a spot-check key is 64 lowercase hex characters');
  return sha256Hex(Buffer.from(keyHex, 'hex'));
}

/** The text of the signed statement committing to an epoch's key (a C2SP signed note by the log's key). */
export function spotCheckStatementText(
  origin: string,
  e: Pick<SpotCheckEpoch, 'epoch' | 'startsAt' | 'endsAt' | 'rate' | 'commitment'>,
): string {
  return [
    `${origin} spot-check commitment`,
    `epoch ${e.epoch}`,
    `starts ${new Date(e.startsAt).toISOString()}`,
    `ends ${new Date(e.endsAt).toISOString()}`,
    `rate ${e.rate}`,
    `sha256 ${e.commitment}`,
    '',
  ].join('\n');
}

/** The checkpoint extension line that publishes an epoch's commitment in the log's own tree heads. */
export function spotCheckExtensionLine(e: Pick<SpotCheckEpoch, 'epoch' | 'commitment'>): string {
  return `spot-check-commitment ${e.epoch} ${e.commitment}`;
}

/**
 * Checks a revealed epoch: its statement is signed by the log's key and says what the record says, and the
 * key hashes to the commitment. Throws CoreError naming what is wrong; returns the key.
 */
export function verifySpotCheckEpoch(e: SpotCheckEpoch, origin: string, logKey: NoteVerifier): string {
  const note = verifyNote(e.statement, [logKey]);
  if (note.text !== spotCheckStatementText(origin, e))
    throw new CoreError(
      'BAD_NOTE',
      `epoch ${e.epoch}: the signed statement does not match the epoch's record`,
    );
  if (e.key === null) throw new CoreError('BAD_KEY', `epoch ${e.epoch} is not revealed yet`);
  const got = Buffer.from(spotCheckCommitment(e.key), 'hex');
  if (!timingSafeEqual(got, Buffer.from(e.commitment, 'hex')))
    throw new CoreError('BAD_KEY', `epoch ${e.epoch}: the revealed key does not hash to the commitment`);
  return e.key;
}

/**
 * Audits the coordinator's choices for captures of one revealed epoch: returns the ids whose recorded
 * choice differs from what the key decides (empty when every choice is the key's).
 */
export function auditSpotCheckDraws(
  e: SpotCheckEpoch,
  origin: string,
  logKey: NoteVerifier,
  draws: readonly { captureId: string; epoch: number; selected: boolean }[],
): string[] {
  const key = verifySpotCheckEpoch(e, origin, logKey);
  return draws
    .filter((d) => d.epoch !== e.epoch || selectedForSpotCheck(key, d.captureId, e.rate) !== d.selected)
    .map((d) => d.captureId);
}
