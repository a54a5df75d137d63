import { CoreError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { decodeBase64Strict } from './base64.js';
import { HASH_SIZE } from './hashing.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { signNote, type VerifiedNote, verifyNote } from './signed-note.js';

/** A C2SP tlog-checkpoint: the log's tree head at one size. */
export interface Checkpoint {
  /** Unique log identity; usually a schema-less URL, but C2SP says not to assume so. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque, optional, non-empty lines after the root hash. */
  readonly extensions: readonly string[];
}

function bad(message: string): CoreError {
  return new CoreError('BAD_CHECKPOINT', message);
}

/** The note text of a checkpoint: origin, decimal size, base64 root, extension lines, each ending in \n. */
export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin === '' || cp.origin.includes('\n')) throw bad('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw bad(`checkpoint size ${cp.size} is not a count`);
  if (cp.rootHash.length !== HASH_SIZE)
    throw bad(`checkpoint root is ${cp.rootHash.length} bytes, not ${HASH_SIZE}`);
  for (const ext of cp.extensions)
    if (ext === '' || ext.includes('\n'))
      throw bad('checkpoint extension lines must be single non-empty lines');
  const lines = [cp.origin, String(cp.size), Buffer.from(cp.rootHash).toString('base64'), ...cp.extensions];
  return `${lines.join('\n')}\n`;
}

/** Parses checkpoint note text (the signed part, not the signatures); throws CoreError BAD_CHECKPOINT. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw bad('checkpoint text must end in a newline');
  const [origin, sizeLine, rootLine, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || sizeLine === undefined || rootLine === undefined)
    throw bad('checkpoint needs origin, size and root hash lines');
  if (origin === '') throw bad('checkpoint origin is empty');
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeLine))
    throw bad(`checkpoint size ${JSON.stringify(sizeLine)} is not a decimal without leading zeroes`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw bad(`checkpoint size ${sizeLine} is too large`);
  const rootHash = decodeBase64Strict(rootLine);
  if (rootHash?.length !== HASH_SIZE)
    throw bad(`checkpoint root ${JSON.stringify(rootLine)} is not base64 of 32 bytes`);
  extensions.forEach((ext, i) => {
    if (ext === '') throw bad(`checkpoint extension line ${i + 1} is empty`);
  });
  return { origin, size, rootHash, extensions };
}

/** Formats and signs a checkpoint; returns the whole signed note (the bytes to publish and anchor). */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: VerifiedNote;
}

/**
 * Verifies a signed checkpoint against trusted keys (see verifyNote) and parses it. When `origin` is
 * given the checkpoint must name that log, so a key trusted for one log cannot vouch for another.
 */
export function openCheckpoint(
  signedNote: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): OpenedCheckpoint {
  const note = verifyNote(signedNote, verifiers);
  const checkpoint = parseCheckpoint(note.text);
  if (origin !== undefined && checkpoint.origin !== origin)
    throw bad(
      `checkpoint is for origin ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(origin)}`,
    );
  return { checkpoint, note };
}

/** SHA-256 hex of the exact signed-note bytes: the value anchored on a ledger. */
export function checkpointHash(signedNote: string | Uint8Array): string {
  return sha256Hex(typeof signedNote === 'string' ? Buffer.from(signedNote, 'utf8') : signedNote);
}
