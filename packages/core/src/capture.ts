import { z } from 'zod';
import { canonicalBytes } from './canonical-json.js';
import { isSignedCaptureShape } from './capture-shape.js';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';
import { type Identity, signBytes, verifyBytes } from './identity.js';
import { sha256Base64 } from './merkle/hashing.js';
import { SIGNED_HEADERS } from './signed-headers.js';

export { SIGNED_HEADERS };

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');
const isoTime = z.string().datetime({ offset: true });

export const redirectHopSchema = z.object({
  url: z.string().url(),
  status: z.number().int().min(300).max(399),
  location: z.string().max(8192),
});

export const captureSchema = z
  .object({
    v: z.literal(1),
    jobId: z.string().min(1).max(100),
    leaseId: z.string().min(1).max(100),
    nodeId: hex64,
    requestedUrl: z.string().url().max(8192),
    finalUrl: z.string().url().max(8192),
    redirects: z.array(redirectHopSchema).max(20),
    status: z.number().int().min(100).max(599),
    headers: z.partialRecord(z.enum(SIGNED_HEADERS), z.string().max(8192)),
    bodySha256: hex64,
    bodyLength: z.number().int().min(0),
    fetchStart: isoTime,
    fetchEnd: isoTime,
    tlsCertSha256: hex64.nullable(),
    ip: z.string().min(2).max(64),
  })
  .strict();

export type Capture = z.infer<typeof captureSchema>;
export type RedirectHop = z.infer<typeof redirectHopSchema>;

export const signedCaptureSchema = z
  .object({
    capture: captureSchema,
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'expected a base64 ed25519 signature'),
  })
  .strict();

export type SignedCapture = z.infer<typeof signedCaptureSchema>;

export function signCapture(identity: Identity, capture: Capture): SignedCapture {
  if (capture.nodeId !== identity.id)
    throw new CoreError('BAD_KEY', `capture names node ${capture.nodeId} but is signed by ${identity.id}`);
  return { capture, signature: signBytes(identity, canonicalBytes(capture)) };
}

// z.compile: a generated fast path for valid input; anything it rejects goes to the ordinary parser, so
// the errors are zod's own. Private: a schema derived from a compiled one is not compiled.
const signedCaptureParser = z.compile(signedCaptureSchema);

/** Parses untrusted input and checks the node's signature over the canonical JSON; throws CoreError. */
export function verifySignedCapture(input: unknown): SignedCapture {
  return verifiedCapture(input).signed;
}

/**
 * verifySignedCapture that also returns the leaf bytes (`captureLeafBytes`), built around the canonical
 * capture bytes the signature check already made instead of canonicalising the whole record again.
 */
export function verifySignedCaptureLeaf(input: unknown): { signed: SignedCapture; leafBytes: Buffer } {
  const { signed, captureBytes } = verifiedCapture(input);
  return { signed, leafBytes: signedCaptureBytes(captureBytes, signed.signature) };
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
  // 0x00 ‖ {"capture":<capture>,"signature":"<base64>"}: the leaf hash's input; the capture is inside it.
  const leafInput = Buffer.from(`\u0000{"capture":${text},"signature":"${sc.signature}"}`, 'utf8');
  const asWritten = leafInput.subarray(LEAF_INPUT_HEAD, leafInput.length - sc.signature.length - LEAF_TAIL);
  if (verifyBytes(sc.capture.nodeId, asWritten, sc.signature))
    return { signed: sc, leafHash: sha256Base64(leafInput) };
  const captureBytes = canonicalBytes(sc.capture);
  if (captureBytes.equals(asWritten) || !verifyBytes(sc.capture.nodeId, captureBytes, sc.signature))
    throw new CoreError('BAD_SIGNATURE', `capture signature does not verify for node ${sc.capture.nodeId}`);
  const leafBytes = signedCaptureBytes(captureBytes, sc.signature);
  return { signed: sc, leafHash: sha256Base64(Buffer.concat([LEAF_PREFIX, leafBytes])) };
}
/** Bytes before the capture in the leaf input (0x00 and `{"capture":`), and after the signature (`"}`), */
const LEAF_INPUT_HEAD = 12;
/** plus `,"signature":"` before it. */
const LEAF_TAIL = 16;
const LEAF_PREFIX = Buffer.from([0x00]);

function parseSignedCapture(input: unknown): SignedCapture {
  const parsed = signedCaptureParser.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CoreError('INVALID_SCHEMA', `capture: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

function verifiedCapture(input: unknown): { signed: SignedCapture; captureBytes: Buffer } {
  const sc = parseSignedCapture(input);
  const captureBytes = canonicalBytes(sc.capture);
  if (!verifyBytes(sc.capture.nodeId, captureBytes, sc.signature))
    throw new CoreError('BAD_SIGNATURE', `capture signature does not verify for node ${sc.capture.nodeId}`);
  return { signed: sc, captureBytes };
}

const LEAF_HEAD = Buffer.from('{"capture":');

/**
 * canonicalBytes({ capture, signature }) from canonicalBytes(capture): the two keys sort as written, and a
 * signature that passed the schema is base64, which JSON writes without escapes.
 */
function signedCaptureBytes(captureBytes: Buffer, signature: string): Buffer {
  return Buffer.concat([LEAF_HEAD, captureBytes, Buffer.from(`,"signature":"${signature}"}`)]);
}

/** Checks a raw body against the capture's hash and length. */
export function checkCaptureBody(capture: Capture, body: Uint8Array): void {
  if (body.length !== capture.bodyLength)
    throw new CoreError('HASH_MISMATCH', `body is ${body.length} bytes, capture says ${capture.bodyLength}`);
  const h = sha256Hex(body);
  if (h !== capture.bodySha256)
    throw new CoreError('HASH_MISMATCH', `body sha256 ${h} does not match capture ${capture.bodySha256}`);
}

/** The bytes a provenance log leaf commits to: the canonical JSON of the signed capture. */
export function captureLeafBytes(sc: SignedCapture): Buffer {
  return canonicalBytes(sc);
}
