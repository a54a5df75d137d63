import { CoreError } from './errors.js';

/**
 * A node's batch of captures as one request body, bodies as raw bytes (docs/PROTOCOL.md "Capture batches"):
 *
 *     u32 big-endian head length | head: UTF-8 JSON | body 0 | body 1 | … (no padding)
 *
 * where head = { v: 1, captures: [{ capture, signature, bodyBytes }], lease?: { max } } and body i is
 * exactly bodyBytes(i) bytes. `lease` asks for the node's next leases in the answer, so a busy node needs
 * no lease request of its own; a coordinator that predates it ignores it and answers no `leases`. A length-prefixed frame rather than multipart: reading it is one bounds check per item and no
 * boundary scanning, there is nothing to escape, and a frame whose lengths do not add up to the request's
 * size is refused whole before anything is looked at.
 */
export const CAPTURE_BATCH_CONTENT_TYPE = 'application/vnd.sward.capture-batch';
/** Captures per batch, and the head's size: far above what a node sends, low enough to bound the work. */
export const CAPTURE_BATCH_MAX_ITEMS = 64;
export const CAPTURE_BATCH_MAX_HEAD = 4 * 1024 * 1024;
/** Leases one batch may ask for: as many as one lease request may (node-protocol-wire MAX_LEASES_PER_CALL). */
export const CAPTURE_BATCH_MAX_LEASES = 64;

export interface CaptureBatchItem {
  capture: unknown;
  signature: unknown;
  body: Uint8Array;
  /**
   * encodeCaptureBatch only: `capture`'s JSON text, written into the head as it is instead of serialising
   * the capture again (a node has it from signing, signCaptureText). It must be the JSON of this very
   * capture (any key order): it is what the coordinator reads and checks the signature against.
   */
  captureJson?: string;
}

/** A batch's ask for the node's next leases, answered with the captures (docs/PROTOCOL.md). */
export interface CaptureBatchLeaseAsk {
  max: number;
}

export interface CaptureBatch {
  items: CaptureBatchItem[];
  /** null: the node asked for no leases. */
  lease: CaptureBatchLeaseAsk | null;
}

/**
 * The bytes of a batch; `items` are signed captures as signCapture returns them, each with its body.
 * `lease`: ask for up to `max` leases in the answer.
 */
export function encodeCaptureBatch(
  items: readonly CaptureBatchItem[],
  lease: CaptureBatchLeaseAsk | null = null,
): Buffer {
  // The head's text, the same as JSON.stringify({ v: 1, captures: [{ capture, signature, bodyBytes }], lease? })
  // but with each capture's own JSON text where the caller has it.
  let text = '{"v":1,"captures":[';
  let bodies = 0;
  items.forEach((i, n) => {
    const capture = i.captureJson ?? JSON.stringify(i.capture);
    // a property JSON.stringify would leave out (undefined) is left out here too
    const sig = i.signature === undefined ? undefined : JSON.stringify(i.signature);
    text += `${n === 0 ? '' : ','}{${capture === undefined ? '' : `"capture":${capture},`}${sig === undefined ? '' : `"signature":${sig},`}"bodyBytes":${i.body.length}}`;
    bodies += i.body.length;
  });
  text += lease ? `],"lease":{"max":${JSON.stringify(lease.max)}}}` : ']}';
  const headLength = Buffer.byteLength(text, 'utf8');
  // one buffer for the whole frame: the head written into it, then each body copied once
  const frame = Buffer.allocUnsafe(4 + headLength + bodies);
  frame.writeUInt32BE(headLength, 0);
  let at = 4 + frame.write(text, 4, 'utf8');
  for (const i of items) {
    frame.set(i.body, at);
    at += i.body.length;
  }
  return frame;
}

const bad = (what: string) => new CoreError('INVALID_SCHEMA', `capture batch: ${what}`);

/** The items of a batch (readCaptureBatch without the lease ask). */
export function decodeCaptureBatch(bytes: Uint8Array): CaptureBatchItem[] {
  return readCaptureBatch(bytes).items;
}

/**
 * Splits a batch into its items, each body a view of `bytes`, and its lease ask. Throws INVALID_SCHEMA,
 * naming what is wrong, when the frame is malformed (a lease ask outside 1..maxLeases included: refused
 * whole, like any frame that does not add up, rather than answered with a guess); what each capture says
 * is left to the caller's checks, item by item.
 */
export function readCaptureBatch(bytes: Uint8Array, maxLeases = CAPTURE_BATCH_MAX_LEASES): CaptureBatch {
  if (bytes.length < 4) throw bad(`${bytes.length} bytes, shorter than its 4-byte head length`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = buf.readUInt32BE(0);
  if (headLength > CAPTURE_BATCH_MAX_HEAD) throw bad(`head of ${headLength} bytes is over the limit`);
  if (4 + headLength > buf.length)
    throw bad(`head of ${headLength} bytes runs past the end of the ${buf.length}-byte request`);
  let head: unknown;
  try {
    head = JSON.parse(buf.toString('utf8', 4, 4 + headLength));
  } catch (e) {
    throw bad(`head is not JSON (${(e as Error).message})`);
  }
  const h = head as { v?: unknown; captures?: unknown; lease?: unknown };
  if (!h || typeof h !== 'object' || h.v !== 1) throw bad('head is not { v: 1, captures: [...] }');
  if (!Array.isArray(h.captures) || h.captures.length === 0)
    throw bad('head.captures is not a non-empty list');
  if (h.captures.length > CAPTURE_BATCH_MAX_ITEMS)
    throw bad(`${h.captures.length} captures, more than ${CAPTURE_BATCH_MAX_ITEMS}`);
  let at = 4 + headLength;
  const items: CaptureBatchItem[] = [];
  for (const [i, c] of (h.captures as unknown[]).entries()) {
    const item = c as { capture?: unknown; signature?: unknown; bodyBytes?: unknown };
    if (!item || typeof item !== 'object') throw bad(`captures[${i}] is not an object`);
    const n = item.bodyBytes;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      throw bad(`captures[${i}].bodyBytes is not a byte count`);
    if (at + n > buf.length) throw bad(`captures[${i}]'s ${n}-byte body runs past the end of the request`);
    items.push({ capture: item.capture, signature: item.signature, body: buf.subarray(at, at + n) });
    at += n;
  }
  if (at !== buf.length) throw bad(`${buf.length - at} bytes follow the last body`);
  return { items, lease: leaseAsk(h.lease, maxLeases) };
}

function leaseAsk(ask: unknown, maxLeases: number): CaptureBatchLeaseAsk | null {
  if (ask === undefined) return null;
  const max = (ask as { max?: unknown } | null)?.max;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1 || max > maxLeases)
    throw bad(`head.lease is not { max: 1..${maxLeases} }`);
  return { max };
}
