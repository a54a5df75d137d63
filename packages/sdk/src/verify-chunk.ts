import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, sep } from 'node:path';
import { type BundleFailure, type BundleVerifier, leafOrderMessage } from '@sward/core';
import { type ByteRange, type ChunkResult, type HashedFile, rangeLines } from './bundle-chunks.js';

export type { ChunkResult, HashedFile };

import { verifyPackedRows } from './verify-packed.js';
import { addTally, emptyTally, type ReceiptCheck, type ReceiptTally } from './verify-receipts.js';

/**
 * Checks every row of one range with every check but the leaf order, which spans ranges and is left to
 * mergeChunks. Format 2 bodies come from the pack (verify-packed.ts); format 1 blobs are read
 * synchronously: they are small and read one per row, and an async read costs a thread-pool round trip
 * per row (docs/BENCHMARKS.md). With `receipts`, each parsed row's rights receipt is checked too (the
 * rows are parsed once for both checks).
 */
export function verifyChunk(
  v: BundleVerifier,
  dir: string,
  range: ByteRange,
  receipts?: ReceiptCheck,
): ChunkResult {
  const fd = openSync(join(dir, 'pages.jsonl'), 'r');
  let lines: string[];
  try {
    lines = rangeLines(fd, range);
  } finally {
    closeSync(fd);
  }
  if (v.format >= 2) return verifyPackedRows(v, dir, lines, receipts);
  const root = join(dir, sep);
  const before = v.failures.length;
  const leaves: number[] = [];
  const hashed: HashedFile[] = [];
  let rows = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    rows++;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      v.failures.push({ row: rows, check: 'format', message: `not JSON: ${(e as Error).message}` });
      leaves.push(-1);
      continue;
    }
    receipts?.row(rows, row);
    const { blobPath, bodyLength } = (row ?? {}) as { blobPath?: unknown; bodyLength?: unknown };
    // join normalises; a row must not point outside the bundle (a tampered blobPath could read any file).
    const file = typeof blobPath === 'string' ? join(dir, blobPath) : null;
    const body = file?.startsWith(root) ? readBlob(file, bodyLength) : null;
    const path = file && body ? bundlePath(file.slice(root.length)) : '';
    leaves.push(v.verifyRowUnordered(rows, row, body, (sha256, size) => hashed.push({ path, sha256, size })));
  }
  const result: ChunkResult = { rows, failures: v.failures.splice(before), leaves, hashed };
  if (receipts) result.receipts = receipts.take();
  return result;
}

/** A path relative to the bundle as the manifest writes it. */
const bundlePath = sep === '/' ? (rel: string) => rel : (rel: string) => rel.split(sep).join('/');

/**
 * A blob's bytes, or null when it is missing or unreadable (which the row check reports). The row's
 * bodyLength, when it is plausible, sizes the read: one read of length + 1 shows the whole file without an
 * fstat; a file longer than that is read whole, so the length check still sees its real size.
 */
function readBlob(file: string, expected: unknown): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    if (
      typeof expected === 'number' &&
      Number.isSafeInteger(expected) &&
      expected >= 0 &&
      expected < GUESS_MAX
    ) {
      const buf = Buffer.allocUnsafe(expected + 1);
      let got = 0;
      let n: number;
      do {
        n = readSync(fd, buf, got, buf.length - got, got);
        got += n;
      } while (n > 0 && got < buf.length);
      if (got <= expected) return buf.subarray(0, got);
    }
    return readFileSync(fd);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Bodies up to this size are read into a buffer sized from the row; larger ones as readFileSync does. */
const GUESS_MAX = 16 * 1024 * 1024;

/**
 * Joins range results in file order into what one pass over the file reports: rows numbered from the
 * file's start, and the ascending-leaf check run across all rows, its failure placed where verifyRow
 * puts it (after record and body, before inclusion). The rights receipts' tally, when every range has one.
 */
export function mergeChunks(chunks: readonly ChunkResult[]): {
  rows: number;
  rowsOk: number;
  failures: BundleFailure[];
  hashed: Map<string, HashedFile>;
  receipts: ReceiptTally | null;
} {
  const failures: BundleFailure[] = [];
  const hashed = new Map<string, HashedFile>();
  for (const c of chunks) for (const h of c.hashed) hashed.set(h.path, h);
  let offset = 0;
  let badRows = 0;
  let lastLeaf = -1;
  const receipts: ReceiptTally | null = chunks.every((c) => c.receipts) ? emptyTally() : null;
  for (const c of chunks) {
    if (receipts && c.receipts) addTally(receipts, c.receipts, offset);
    let f = 0;
    for (let i = 1; i <= c.rows; i++) {
      const first = failures.length;
      for (; c.failures[f]?.row === i; f++)
        failures.push({ ...(c.failures[f] as BundleFailure), row: offset + i });
      const leaf = c.leaves[i - 1] ?? -1;
      if (leaf >= 0) {
        if (leaf <= lastLeaf) {
          const last = failures.length - 1;
          const at = last >= first && failures[last]?.check === 'inclusion' ? last : failures.length;
          failures.splice(at, 0, {
            row: offset + i,
            check: 'order',
            message: leafOrderMessage(leaf, lastLeaf),
          });
        }
        lastLeaf = Math.max(lastLeaf, leaf);
      }
      if (failures.length > first) badRows++;
    }
    offset += c.rows;
  }
  return { rows: offset, rowsOk: offset - badRows, failures, hashed, receipts };
}
