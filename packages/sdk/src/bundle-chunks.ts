import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { BundleFailure } from '@sward/core';
import type { ReceiptTally } from './verify-receipts.js';

/** A byte range of pages.jsonl that starts at a line start and ends just after a newline (or at the end). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ChunkPlan {
  ranges: ByteRange[];
  /** Lines in the file, estimated from its first SAMPLE_BYTES (exact for a file that small). */
  estimatedRows: number;
}

/** About 500 rows of a real bundle: small enough to spread over workers, big enough that a hand-off is noise. */
export const CHUNK_BYTES = 1 << 20;
const SAMPLE_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

/** Cuts `file` into ranges of about `chunkBytes`, each ending after a newline, so no line is split. */
export function planChunks(file: string, chunkBytes = CHUNK_BYTES): ChunkPlan {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const ranges: ByteRange[] = [];
    const step = Math.max(1, Math.floor(chunkBytes));
    let start = 0;
    while (start < size) {
      const end = start + step >= size ? size : lineEndAfter(fd, start + step, size);
      ranges.push({ start, end });
      start = end;
    }
    return { ranges, estimatedRows: estimateLines(fd, size) };
  } finally {
    closeSync(fd);
  }
}

/** Offset just after the first newline at or after `from` (the file's size when there is none). */
function lineEndAfter(fd: number, from: number, size: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (let pos = from; pos < size; pos += buf.length) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
    const at = buf.subarray(0, n).indexOf(NEWLINE);
    if (at >= 0) return pos + at + 1;
  }
  return size;
}

function estimateLines(fd: number, size: number): number {
  const sample = readRange(fd, { start: 0, end: Math.min(size, SAMPLE_BYTES) });
  let lines = 0;
  for (let at = sample.indexOf(NEWLINE); at >= 0; at = sample.indexOf(NEWLINE, at + 1)) lines++;
  if (sample.length === size) return lines + (size > 0 && sample[size - 1] !== NEWLINE ? 1 : 0);
  return Math.round((lines * size) / Math.max(sample.length, 1));
}

export function readRange(fd: number, range: ByteRange, into?: Buffer): Buffer {
  const size = range.end - range.start;
  const buf = into && into.length >= size ? into.subarray(0, size) : Buffer.allocUnsafe(size);
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, range.start + got);
    if (n === 0) return buf.subarray(0, got);
    got += n;
  }
  return buf;
}

/**
 * A buffer of at least `size` bytes, reused from call to call on this thread. A fresh megabyte per range
 * is a large allocation each time (fresh pages, page faults); callers use the bytes and let go of them
 * before the next call (and before any await).
 */
export function scratch(slot: 'lines' | 'bodies' | 'files', size: number): Buffer {
  const have = scratches[slot];
  if (have && have.length >= size) return have;
  const fresh = Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
  scratches[slot] = fresh;
  return fresh;
}
const scratches: { lines?: Buffer; bodies?: Buffer; files?: Buffer } = {};

/** Strings are decoded in pieces of about this size, cut after a newline (see rangeLines). */
const PIECE_BYTES = 64 * 1024;

/**
 * The lines of a range, split as node:readline splits them (`\r\n`, `\n` or a lone `\r`), which is how
 * pages.jsonl was read before it was read in ranges; empty lines may be left out (no caller counts them).
 * The bytes are decoded in pieces of about PIECE_BYTES, each ending after a newline: V8 puts a string
 * of more than about 128 KiB in its large-object space, and decoding a megabyte at once cost 20 to 100
 * times as much as the same bytes in pieces on the bench machine (docs/BENCHMARKS.md).
 */
export function rangeLines(fd: number, range: ByteRange): string[] {
  const bytes = readRange(fd, range, scratch('lines', range.end - range.start));
  const lines: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.length;
    if (start + PIECE_BYTES < bytes.length) {
      const before = bytes.lastIndexOf(NEWLINE, start + PIECE_BYTES - 1);
      const after = before >= start ? before : bytes.indexOf(NEWLINE, start + PIECE_BYTES);
      if (after >= 0) end = after + 1;
    }
    const text = bytes.toString('utf8', start, end);
    // A plain split when there is no \r (what writers make): the same lines, without the regex.
    for (const line of text.includes('\r') ? text.split(/\r\n|\n|\r/) : text.split('\n'))
      if (line !== '') lines.push(line);
    start = end;
  }
  return lines;
}

/** What one range of pages.jsonl gave: row numbers in `failures` count from 1 at the range's first row. */
export interface ChunkResult {
  rows: number;
  failures: BundleFailure[];
  /** Each row's leaf index for the order check, -1 when the row stopped before it (see verifyRowUnordered). */
  leaves: number[];
  /** Body files whose bytes matched their signed capture: bundle path (`/`-separated), SHA-256 and size. */
  hashed: HashedFile[];
  /** The rows' rights receipts, when the range was checked with a ReceiptCheck. */
  receipts?: ReceiptTally;
}

/** A file of the bundle already read and hashed, which the manifest check need not read again. */
export interface HashedFile {
  path: string;
  sha256: string;
  size: number;
}
