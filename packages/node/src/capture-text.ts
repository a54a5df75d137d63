import { type Capture, type Identity, type SignedCapture, signCaptureText } from '@sward/core/node-side';

/*
 * A node writes each capture it signs three times: the canonical text it signs, the spool's record header
 * and the upload batch's head. The last two reuse the first instead of serialising the capture again
 * (docs/BENCHMARKS.md, session 18, nodes). That is only right while the capture is what was signed: so the
 * captures this module signs are frozen, nested objects included, before they are signed, and only those
 * have a remembered text. A capture changed after signing (a test forging one, or a bug) is necessarily a
 * new object: it has no remembered text and is serialised as it is, so the coordinator sees the change and
 * refuses the signature, as before.
 */
const texts = new WeakMap<Capture, string>();

/** Freezes a capture and everything in it, signs it, and remembers the canonical text that was signed. */
export function signFrozenCapture(identity: Identity, capture: Capture): SignedCapture {
  deepFreeze(capture);
  const { signed, captureJson } = signCaptureText(identity, capture);
  texts.set(capture, captureJson);
  return signed;
}

/** A capture's JSON text: the text it was signed with if signFrozenCapture signed it, else JSON.stringify's. */
export function captureJsonOf(capture: Capture): string {
  return texts.get(capture) ?? JSON.stringify(capture);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
