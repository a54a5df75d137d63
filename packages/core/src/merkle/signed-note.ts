import { CoreError } from '../errors.js';
import { decodeBase64Strict } from './base64.js';
import { isValidKeyName, keyIdHex, type NoteSigner, type NoteVerifier } from './note-keys.js';

/** One signature line: "— name base64(keyId || signature)". */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature proper, without the 4-byte key ID. */
  readonly signature: Buffer;
}

export interface Note {
  /** The signed text, ending in its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifiedNote extends Note {
  /** Signatures by trusted keys, all verified. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys the caller does not know (witnesses, rotated keys): ignored, as C2SP requires. */
  readonly unknown: readonly NoteSignature[];
}

/** U+2014 EM DASH then a space starts every signature line. */
const SIG_PREFIX = '\u2014 ';
/** Go's sumdb/note limit; C2SP asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function malformed(message: string): CoreError {
  return new CoreError('BAD_NOTE', message);
}

function toText(note: string | Uint8Array): string {
  if (typeof note === 'string') {
    if (LONE_SURROGATE.test(note)) throw malformed('note is not valid UTF-8 (lone surrogate)');
    return note;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch (cause) {
    throw new CoreError('BAD_NOTE', 'note is not valid UTF-8', { cause });
  }
}

function checkCharacters(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a)
      throw malformed(`note contains control character 0x${c.toString(16)} at ${i}`);
  }
}

function parseSignatureLine(line: string, n: number): NoteSignature {
  if (!line.startsWith(SIG_PREFIX))
    throw malformed(`signature line ${n} does not start with an em dash and space`);
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const b64 = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name))
    throw malformed(`signature line ${n} has invalid key name ${JSON.stringify(name)}`);
  const blob = decodeBase64Strict(b64);
  if (blob === undefined || blob.length < 5)
    throw malformed(`signature line ${n} (${name}) has no valid base64 signature`);
  return { name, keyId: blob.readUInt32BE(0), signature: blob.subarray(4) };
}

/**
 * Parses a C2SP signed note: text ending in newline, a blank line, one or more signature lines each ending
 * in newline. The text is split from the signatures at the LAST blank line, so the text may hold blank lines.
 * Checks syntax only; throws CoreError BAD_NOTE.
 */
export function parseNote(note: string | Uint8Array): Note {
  const all = toText(note);
  checkCharacters(all);
  const split = all.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no blank line before its signatures');
  const text = all.slice(0, split + 1);
  const block = all.slice(split + 2);
  if (block === '') throw malformed('note has no signature lines');
  if (!block.endsWith('\n')) throw malformed('last signature line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES)
    throw malformed(`note has ${lines.length} signatures, limit ${MAX_NOTE_SIGNATURES}`);
  return { text, signatures: lines.map((line, i) => parseSignatureLine(line, i + 1)) };
}

function formatSignature(sig: NoteSignature): string {
  const blob = Buffer.alloc(4 + sig.signature.length);
  blob.writeUInt32BE(sig.keyId, 0);
  blob.set(sig.signature, 4);
  return `${SIG_PREFIX}${sig.name} ${blob.toString('base64')}\n`;
}

export function formatNote(note: Note): string {
  return `${note.text}\n${note.signatures.map(formatSignature).join('')}`;
}

/** Checks text is signable: valid, newline-terminated, no control characters other than newline. */
function checkSignableText(text: string): void {
  if (text === '' || !text.endsWith('\n'))
    throw malformed('note text must be non-empty and end in a newline');
  if (LONE_SURROGATE.test(text)) throw malformed('note text is not valid UTF-8 (lone surrogate)');
  checkCharacters(text);
}

/** Signs `text` with each signer and returns the whole signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkSignableText(text);
  if (signers.length === 0) throw malformed('a signed note needs at least one signer');
  const message = Buffer.from(text, 'utf8');
  const signatures = signers.map((s) => ({
    name: s.name,
    keyId: s.keyId,
    signature: Buffer.from(s.sign(message)),
  }));
  return formatNote({ text, signatures });
}

/** Adds signatures (e.g. a witness cosigning) to an already signed note, keeping the existing ones. */
export function addNoteSignatures(note: string, signers: readonly NoteSigner[]): string {
  const parsed = parseNote(note);
  const message = Buffer.from(parsed.text, 'utf8');
  const added = signers.map((s) => ({
    name: s.name,
    keyId: s.keyId,
    signature: Buffer.from(s.sign(message)),
  }));
  return formatNote({ text: parsed.text, signatures: [...parsed.signatures, ...added] });
}

/**
 * Opens a signed note against trusted keys, with Go sumdb/note semantics: signatures by unknown keys are
 * ignored; a known key's signature that fails rejects the whole note (BAD_SIGNATURE); a note with no
 * verified signature is rejected (UNKNOWN_SIGNER). Malformed notes throw BAD_NOTE.
 */
export function verifyNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const parsed = parseNote(note);
  const message = Buffer.from(parsed.text, 'utf8');
  const byKey = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const id = `${v.name}+${keyIdHex(v.keyId)}`;
    if (byKey.has(id)) throw new CoreError('BAD_KEY', `two trusted keys share name and key ID ${id}`);
    byKey.set(id, v);
  }
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of parsed.signatures) {
    const id = `${sig.name}+${keyIdHex(sig.keyId)}`;
    const v = byKey.get(id);
    if (v === undefined) {
      unknown.push(sig);
      continue;
    }
    if (seen.has(id)) continue; // a repeated line by one key adds nothing
    seen.add(id);
    if (!v.verify(message, sig.signature))
      throw new CoreError(
        'BAD_SIGNATURE',
        `note signature by ${sig.name} (key ${keyIdHex(sig.keyId)}) does not verify`,
      );
    verified.push(sig);
  }
  if (verified.length === 0) {
    const names = parsed.signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ');
    throw new CoreError('UNKNOWN_SIGNER', `note is not signed by any trusted key (signed by ${names})`);
  }
  return { ...parsed, verified, unknown };
}
