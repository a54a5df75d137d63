import { z } from 'zod';
import { canonicalBytes } from './canonical-json.js';
import { isSignedCaptureShape } from './capture-shape.js';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';
import { type Identity, signBytes, verifyBytes } from './identity.js';
import { sha256Base64 } from './merkle/hashing.js';
import { captureAccessSchema } from './pay-per-crawl.js';
import { rightsReceiptSchema } from './rights-receipt.js';
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
    /** Pay-per-crawl and licence facts of the final response (pay-per-crawl.ts); only for leases that ask. */
    access: captureAccessSchema.optional(),
  })
  .strict();

export type Capture = z.infer<typeof captureSchema>;
export type RedirectHop = z.infer<typeof redirectHopSchema>;

/**
 * A log leaf: the node's signed capture and, for a page, the coordinator's rights receipt (rights-receipt.ts).
 * The node's signature covers `capture` only; the receipt is the coordinator's statement, committed to by the
 * log's signed checkpoints like the rest of the leaf. Leaves from before receipts have no `rights`.
 */
export const signedCaptureSchema = z
  .object({
    capture: captureSchema,
    rights: rightsReceiptSchema.optional(),
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
  return { signed, leafBytes: signedCaptureBytes(captureBytes, signed) };
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
  const leafBytes = signedCaptureBytes(captureBytes, sc);
  return { signed: sc, leafHash: sha256Base64(Buffer.concat([LEAF_PREFIX, leafBytes])) };
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
 * canonicalBytes({ capture, rights?, signature }) from canonicalBytes(capture): the keys sort as written, a
 * signature that passed the schema is base64, which JSON writes without escapes, and the small receipt is
 * canonicalised on its own.
 */
function signedCaptureBytes(captureBytes: Buffer, sc: Pick<SignedCapture, 'rights' | 'signature'>): Buffer {
  const rights = sc.rights ? `,"rights":${canonicalBytes(sc.rights).toString('utf8')}` : '';
  return Buffer.concat([LEAF_HEAD, captureBytes, Buffer.from(`${rights},"signature":"${sc.signature}"}`)]);
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
