import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_BODIES_FILE, type BundleVerifier } from '@sward/core';
import { type ChunkResult, readRange, scratch } from './bundle-chunks.js';
import type { ReceiptCheck } from './verify-receipts.js';

/** Where a row says its body is in the pack; null when the row does not say it plainly. */
interface BodyAt {
  offset: number;
  length: number;
}

/**
 * One read of the pack serves a whole range of rows when their bodies lie close together (rows come in
 * log order and the pack in first-use order, so they do), up to this many bytes; otherwise each body is
 * read on its own.
 */
const SPAN_MAX = 16 * 1024 * 1024;

const plainCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * verifyChunk for bundle format 2: every row's body is `bodyLength` bytes at `bodyOffset` of bodies.pack.
 * Rows are parsed first, then their bodies are read from the pack (in one read when they lie together),
 * then each row is checked. A body cut short by the end of the pack is handed over short, so the row
 * fails on its length; a missing pack gives every row "body file bodies.pack is missing". The pack as a
 * whole (no byte changed, none added) is the signed manifest's check.
 */
export function verifyPackedRows(
  v: BundleVerifier,
  dir: string,
  lines: readonly string[],
  receipts?: ReceiptCheck,
): ChunkResult {
  const before = v.failures.length;
  const parsed: unknown[] = [];
  const at: (BodyAt | null)[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  let total = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      parsed.push(new NotJson((e as Error).message));
      at.push(null);
      continue;
    }
    parsed.push(row);
    receipts?.row(parsed.length, row);
    const { blobPath, bodyOffset, bodyLength } = (row ?? {}) as Record<string, unknown>;
    if (blobPath === BUNDLE_BODIES_FILE && plainCount(bodyOffset) && plainCount(bodyLength)) {
      at.push({ offset: bodyOffset, length: bodyLength });
      lo = Math.min(lo, bodyOffset);
      hi = Math.max(hi, bodyOffset + bodyLength);
      total += bodyLength;
    } else at.push(null);
  }
  const bodies = readBodies(join(dir, BUNDLE_BODIES_FILE), at, lo, hi, total);
  const leaves: number[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const row = parsed[i];
    if (row instanceof NotJson) {
      v.failures.push({ row: i + 1, check: 'format', message: `not JSON: ${row.message}` });
      leaves.push(-1);
      continue;
    }
    leaves.push(v.verifyRowUnordered(i + 1, row, bodies[i] ?? null));
  }
  const result: ChunkResult = {
    rows: parsed.length,
    failures: v.failures.splice(before),
    leaves,
    hashed: [],
  };
  if (receipts) result.receipts = receipts.take();
  return result;
}

/** A line that did not parse (kept in place so that row numbers stay right). */
class NotJson {
  constructor(readonly message: string) {}
}

/** Each row's body from the pack: null when the row names none or the pack cannot be opened. */
function readBodies(
  pack: string,
  at: readonly (BodyAt | null)[],
  lo: number,
  hi: number,
  total: number,
): (Buffer | null)[] {
  if (total === 0 && !at.some((a) => a !== null)) return at.map(() => null);
  let fd: number;
  try {
    fd = openSync(pack, 'r');
  } catch {
    return at.map(() => null);
  }
  try {
    const span = hi - lo;
    // One read when the bodies lie together: not much more than their own bytes, and not too many.
    if (span <= SPAN_MAX && span <= 2 * total + 65536) {
      // Reused from range to range: the bodies are hashed before this function returns, never kept.
      const bytes = readRange(fd, { start: lo, end: hi }, scratch('bodies', span));
      return at.map((a) => (a ? bytes.subarray(a.offset - lo, a.offset - lo + a.length) : null));
    }
    // A row's length is untrusted: read no more than the pack holds past its offset.
    const size = fstatSync(fd).size;
    return at.map((a) => (a ? readAt(fd, a.offset, Math.max(0, Math.min(a.length, size - a.offset))) : null));
  } catch {
    return at.map(() => null);
  } finally {
    closeSync(fd);
  }
}

/** One body read on its own; shorter than asked when the pack ends first. */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}
