// A signed capture's signature check and log-leaf bytes, apart from capture.ts so that the browser's proof
// check (row-proof-verify.ts) takes them without capture.ts's compiled parser: it parses with the plain
// schema, which is all one row needs.

import { canonicalBytes } from './canonical-json.js';
import type { SignedCapture } from './capture-schema.js';
import { CoreError } from './errors.js';
import { verifyBytes } from './identity.js';

type Parser = {
  safeParse(
    input: unknown,
  ):
    | { success: true; data: SignedCapture }
    | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };
};

/** Parses untrusted input with `parser` (signedCaptureSchema, or a compiled copy); throws CoreError. */
export function parseSignedCaptureWith(parser: Parser, input: unknown): SignedCapture {
  const parsed = parser.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CoreError(
      'INVALID_SCHEMA',
      `capture: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** Checks the node's signature over the canonical capture; the signed record and its log-leaf bytes. */
export function verifiedCaptureLeaf(sc: SignedCapture): { signed: SignedCapture; leafBytes: Buffer } {
  return { signed: sc, leafBytes: signedCaptureBytes(verifiedCaptureBytes(sc), sc) };
}

/** Checks the node's signature over the canonical capture and returns those bytes; throws CoreError. */
export function verifiedCaptureBytes(sc: SignedCapture): Buffer {
  const captureBytes = canonicalBytes(sc.capture);
  if (!verifyBytes(sc.capture.nodeId, captureBytes, sc.signature))
    throw new CoreError('BAD_SIGNATURE', `capture signature does not verify for node ${sc.capture.nodeId}`);
  return captureBytes;
}

const LEAF_HEAD = Buffer.from('{"capture":');

/**
 * canonicalBytes({ capture, rights?, signature }) from canonicalBytes(capture): the keys sort as written, a
 * signature that passed the schema is base64, which JSON writes without escapes, and the small receipt is
 * canonicalised on its own.
 */
export function signedCaptureBytes(
  captureBytes: Buffer,
  sc: Pick<SignedCapture, 'rights' | 'signature'>,
): Buffer {
  const rights = sc.rights ? `,"rights":${canonicalBytes(sc.rights).toString('utf8')}` : '';
  return Buffer.concat([LEAF_HEAD, captureBytes, Buffer.from(`${rights},"signature":"${sc.signature}"}`)]);
}

/** The RFC 6962 leaf hash's input: 0x00 and the signed capture's leaf bytes. */
export const capturePrefixedLeaf = (
  captureBytes: Buffer,
  sc: Pick<SignedCapture, 'rights' | 'signature'>,
): Buffer => Buffer.concat([Buffer.from([0x00]), signedCaptureBytes(captureBytes, sc)]);
