import { type FileAnchorEntry, fileAnchorEntrySchema, verifyFileAnchorEntry } from './anchor-verify.js';
import { CoreError } from './errors.js';
import { keyIdHex, type NoteSigner, type NoteVerifier } from './merkle/note-keys.js';

/**
 * Signed file anchor entries. An entry's hash chain alone proves nothing to someone holding only a
 * copy: anyone can recompute a chain. Signed by the log key, an entry can only come from the
 * coordinator, so a bundle's anchor chain is checked link by link *and* entry by entry.
 */

/** What an entry's signature covers: a fixed context line, then the entry hash. */
function signedMessage(entryHash: string): Buffer {
  return Buffer.from(`sward file anchor entry v1\n${entryHash}\n`, 'utf8');
}

/** A `sign` for nextFileAnchorEntry: base64(4-byte big-endian key ID ‖ ed25519 signature). */
export function anchorEntrySigner(signer: NoteSigner): (entryHash: string) => string {
  return (entryHash) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(signer.keyId);
    return Buffer.concat([id, signer.sign(signedMessage(entryHash))]).toString('base64');
  };
}

const bad = (message: string) => new CoreError('BAD_ANCHOR', message);

/** Throws unless `entry` is signed by one of `verifiers` (its entry hash is checked elsewhere). */
export function checkAnchorEntrySignature(entry: FileAnchorEntry, verifiers: readonly NoteVerifier[]): void {
  if (entry.sig === undefined) throw bad(`anchor entry ${entry.seq} is not signed`);
  const raw = Buffer.from(entry.sig, 'base64');
  if (raw.length !== 68)
    throw bad(`anchor entry ${entry.seq}: signature is ${raw.length} bytes, expected 68`);
  const keyId = raw.readUInt32BE(0);
  const v = verifiers.find((k) => k.keyId === keyId);
  if (!v) throw bad(`anchor entry ${entry.seq} is signed by key ${keyIdHex(keyId)}, not a trusted log key`);
  if (!v.verify(signedMessage(entry.entryHash), raw.subarray(4)))
    throw bad(`anchor entry ${entry.seq}: signature does not verify under ${v.name}`);
}

/**
 * Checks a run of consecutive entries of one anchor file, as a bundle ships it: every entry's hash
 * recomputes and is signed by a trusted key, each one links to the one before (seq + 1, prevHash,
 * same chain id), and the first links to genesis when it is entry 0. Errors name the 1-based position.
 */
export function verifyAnchorChainSegment(
  entries: readonly unknown[],
  verifiers: readonly NoteVerifier[],
): FileAnchorEntry[] {
  const out: FileAnchorEntry[] = [];
  entries.forEach((input, i) => {
    try {
      const prev = out[i - 1] ?? null;
      let e: FileAnchorEntry;
      if (prev) e = verifyFileAnchorEntry(input, prev);
      else {
        // The segment may start mid-file: link its first entry to a stand-in for the one before.
        const first = fileAnchorEntrySchema.safeParse(input);
        const seq = first.success ? first.data.seq : 0;
        e =
          seq === 0
            ? verifyFileAnchorEntry(input, null)
            : verifyFileAnchorEntry(input, {
                ...(first.data as FileAnchorEntry),
                seq: seq - 1,
                entryHash: (first.data as FileAnchorEntry).prevHash,
              });
      }
      checkAnchorEntrySignature(e, verifiers);
      out.push(e);
    } catch (err) {
      if (err instanceof CoreError)
        throw new CoreError(err.code, `entry ${i + 1}: ${err.message}`, { cause: err });
      throw err;
    }
  });
  return out;
}
