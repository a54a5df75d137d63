import * as z from 'zod/mini';
import { canonicalBytes, canonicalJson } from './canonical-json.js';
import {
  capturePrefixedLeaf,
  parseSignedCaptureWith,
  signedCaptureBytes,
  verifiedCaptureBytes,
  verifiedCaptureLeaf,
} from './capture-leaf.js';
import {
  type Capture,
  captureSchema,
  type RedirectHop,
  redirectHopSchema,
  type SignedCapture,
  signedCaptureSchema,
} from './capture-schema.js';
import { isSignedCaptureShape } from './capture-shape.js';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';
import { type Identity, signBytes, verifyBytes } from './identity.js';
import { sha256Base64 } from './merkle/hashing.js';
import { SIGNED_HEADERS } from './signed-headers.js';

export {
  type Capture,
  captureSchema,
  type RedirectHop,
  redirectHopSchema,
  SIGNED_HEADERS,
  type SignedCapture,
  signedCaptureBytes,
  signedCaptureSchema,
};

export function signCapture(identity: Identity, capture: Capture): SignedCapture {
  return signCaptureText(identity, capture).signed;
}

/**
 * signCapture that also returns the canonical JSON text it signed (RFC 8785), for a caller that writes the
 * capture out again (a node's spool and upload batch) and would otherwise serialise it once more each time.
 * The text is the capture as it was signed: a caller that keeps it must keep the capture from changing.
 */
export function signCaptureText(
  identity: Identity,
  capture: Capture,
): { signed: SignedCapture; captureJson: string } {
  if (capture.nodeId !== identity.id)
    throw new CoreError('BAD_KEY', `capture names node ${capture.nodeId} but is signed by ${identity.id}`);
  const captureJson = canonicalJson(capture);
  return {
    signed: { capture, signature: signBytes(identity, Buffer.from(captureJson, 'utf8')) },
    captureJson,
  };
}

// z.compile: a generated fast path for valid input; anything it rejects goes to the ordinary parser, so
// the errors are zod's own. Private: a schema derived from a compiled one is not compiled.
const signedCaptureParser = z.compile(signedCaptureSchema);
const parseSignedCapture = (input: unknown): SignedCapture =>
  parseSignedCaptureWith(signedCaptureParser, input);

/** Parses untrusted input and checks the node's signature over the canonical JSON; throws CoreError. */
export function verifySignedCapture(input: unknown): SignedCapture {
  return verifiedCaptureLeaf(parseSignedCapture(input)).signed;
}

/**
 * verifySignedCapture that also returns the leaf bytes (`captureLeafBytes`), built around the canonical
 * capture bytes the signature check already made instead of canonicalising the whole record again.
 */
export function verifySignedCaptureLeaf(input: unknown): { signed: SignedCapture; leafBytes: Buffer } {
  return verifiedCaptureLeaf(parseSignedCapture(input));
}

/**
 * verifySignedCapture that also returns the canonical capture bytes it checked, from which the log leaf is
 * made with or without a rights receipt (`signedCaptureBytes(captureBytes, { rights, signature })`, equal to
 * captureLeafBytes of that record) without canonicalising the capture again.
 */
export function verifySignedCaptureBytes(input: unknown): { signed: SignedCapture; captureBytes: Buffer } {
  const signed = parseSignedCapture(input);
  return { signed, captureBytes: verifiedCaptureBytes(signed) };
}

/**
 * verifySignedCapture that also returns the RFC 6962 leaf hash of the record, for input fresh from
 * JSON.parse of text written with RFC 8785 key order (bundle format 2). JSON.stringify of such a capture
 * is its canonical text, made natively: the signature is checked over those bytes and the leaf hashed
 * around them, in one buffer. A capture whose keys are in another order gives other bytes, whose check
 * fails; only then is the canonical form made and checked, so the answer is always the one the canonical
 * bytes give (an out-of-order capture costs a second signature check, never a wrong result).
 */
export function verifySignedCaptureInOrder(input: unknown): {
  signed: SignedCapture;
  /** The RFC 6962 leaf hash, base64 (merkle/hashing.ts sha256Base64: no Buffer made per row). */
  leafHash: string;
} {
  // A capture the hand-written check accepts is one the schema returns unchanged: use it as it is.
  const sc = isSignedCaptureShape(input) ? (input as SignedCapture) : parseSignedCapture(input);
  // The parsed copy's keys are in the schema's order; the input's are the file's.
  const text = JSON.stringify((input as { capture: unknown }).capture);
  // 0x00 ‖ {"capture":<capture>[,"rights":<receipt>],"signature":"<base64>"}: the leaf hash's input, with
  // the capture's bytes inside it (a receipt's keys are canonical whatever the file's order).
  const rights = sc.rights ? `,"rights":${canonicalBytes(sc.rights).toString('utf8')}` : '';
  const tail = `${rights},"signature":"${sc.signature}"}`;
  const leafInput = leafScratch(LEAF_INPUT_HEAD + 3 * (text.length + tail.length));
  const captureEnd = LEAF_INPUT_HEAD + leafInput.write(text, LEAF_INPUT_HEAD, 'utf8');
  const leafEnd = captureEnd + leafInput.write(tail, captureEnd, 'utf8');
  const asWritten = leafInput.subarray(LEAF_INPUT_HEAD, captureEnd);
  if (verifyBytes(sc.capture.nodeId, asWritten, sc.signature))
    return { signed: sc, leafHash: sha256Base64(leafInput.subarray(0, leafEnd)) };
  const captureBytes = canonicalBytes(sc.capture);
  if (captureBytes.equals(asWritten) || !verifyBytes(sc.capture.nodeId, captureBytes, sc.signature))
    throw new CoreError('BAD_SIGNATURE', `capture signature does not verify for node ${sc.capture.nodeId}`);
  return { signed: sc, leafHash: sha256Base64(capturePrefixedLeaf(captureBytes, sc)) };
}
/** Bytes before the capture in the leaf input: 0x00 and `{"capture":`. */
const LEAF_INPUT_HEAD = 12;
/*
 * The leaf input is written into one buffer reused from row to row, not concatenated into a string and
 * encoded into a fresh Buffer: the signature check and the hash are synchronous and keep nothing, so the
 * bytes are dead before the next call. `room` is an upper bound (3 UTF-8 bytes per UTF-16 unit), so a
 * write never falls short.
 */
let leafInputBuffer = Buffer.allocUnsafeSlow(4096);
leafInputBuffer.write('\u0000{"capture":', 0, 'latin1');
function leafScratch(room: number): Buffer {
  if (leafInputBuffer.length < room) {
    const bigger = Buffer.allocUnsafeSlow(room * 2);
    leafInputBuffer.copy(bigger, 0, 0, LEAF_INPUT_HEAD);
    leafInputBuffer = bigger;
  }
  return leafInputBuffer;
}

/** Checks a raw body against the capture's hash and length. */
export function checkCaptureBody(capture: Capture, body: Uint8Array): void {
  if (body.length !== capture.bodyLength)
    throw new CoreError('HASH_MISMATCH', `body is ${body.length} bytes, capture says ${capture.bodyLength}`);
  const h = sha256Hex(body);
  if (h !== capture.bodySha256)
    throw new CoreError('HASH_MISMATCH', `body sha256 ${h} does not match capture ${capture.bodySha256}`);
}

/** The bytes a provenance log leaf commits to: the canonical JSON of the signed capture and its receipt. */
export function captureLeafBytes(sc: SignedCapture): Buffer {
  return canonicalBytes(sc);
}

/**
 * A capture's id: the hash of the node's signed record alone (no receipt), so a node resending its capture
 * gets the same answer before the coordinator has made the receipt again.
 */
export function captureIdOf(sc: SignedCapture): string {
  return `c_${sha256Hex(canonicalBytes({ capture: sc.capture, signature: sc.signature })).slice(0, 32)}`;
}
