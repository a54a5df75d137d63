import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

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

export function readRange(fd: number, range: ByteRange): Buffer {
  const buf = Buffer.allocUnsafe(range.end - range.start);
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, range.start + got);
    if (n === 0) return buf.subarray(0, got);
    got += n;
  }
  return buf;
}

/**
 * The lines of a range, split as node:readline splits them (`\r\n`, `\n` or a lone `\r`), which is how
 * pages.jsonl was read before it was read in ranges.
 */
export function rangeLines(fd: number, range: ByteRange): string[] {
  return readRange(fd, range)
    .toString('utf8')
    .split(/\r\n|\n|\r/);
}
