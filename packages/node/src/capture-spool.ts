import { closeSync, ftruncateSync, openSync, unlinkSync, writevSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkCaptureBody, type SignedCapture, verifySignedCapture } from '@sward/core/node-side';
import { captureJsonOf } from './capture-text.js';

/** A finished capture waiting for the coordinator's answer. */
export interface SpooledCapture {
  readonly leaseId: string;
  readonly signed: SignedCapture;
  readonly body: Buffer;
}

const MAGIC = 'sward-spool v2\n';
/** One capture per file, whole file its body (nodes before segments); still read, never written. */
const MAGIC_V1 = 'sward-spool v1\n';
const SEGMENT = '.spool';
const V1 = '.capture';
const TMP = '.tmp';
/**
 * Captures up to this size are appended to the open segment with one synchronous `writev`: a page's few
 * kilobytes take less than a thread-pool round trip. A bigger one gets a segment file of its own, written
 * asynchronously, so a large body never holds the event loop (other fetches, uploads) for long.
 */
const SYNC_WRITE_MAX = 1 << 20;
/** The open segment takes no capture past this size; it is removed once none of its captures is left. */
const SEGMENT_ROTATE = 4 << 20;

interface Segment {
  readonly name: string;
  /** Open for appending while this is the segment new captures go to. */
  fd: number | undefined;
  /** Bytes after the magic line. */
  bytes: number;
  /** Captures in it not yet removed. */
  live: number;
}

/** A segment with nothing in it yet (its file is opened when the first capture goes to it). */
const newSegment = (name: string): Segment => ({ name, fd: undefined, bytes: 0, live: 0 });

interface Entry {
  readonly seg: Segment;
  /** Where the record starts in the segment file, and its length (header line and body). */
  readonly offset: number;
  readonly length: number;
}

/** One record read from a segment: a capture, or why the rest of the file cannot be read. */
type Parsed = { offset: number; length: number; capture?: SpooledCapture; drop?: string; bad?: string };

/**
 * Finished captures on disk until the coordinator accepts them or their lease is gone (docs/PROTOCOL.md
 * "Stopping and restarting"). Captures are appended to a segment file (a header line with the lease id,
 * the signed capture and the body's length, then the body), so a page costs one `writev` and no file
 * created, renamed or unlinked (one file per capture was a sixth of a node's CPU per page, mostly in the
 * file system's directory calls; docs/BENCHMARKS.md). Removing a capture is bookkeeping: a segment whose
 * captures are all gone is emptied (`ftruncate`) if new captures go to it, else unlinked.
 *
 * A node killed mid-write leaves a record cut short at the end of its segment: the next open reads up to
 * it, reports it and keeps the rest. Every record is verified when read back (signature, body hash), so an
 * altered one is reported and never uploaded. A killed node may upload again a capture that the coordinator
 * had accepted while its segment still held others; the coordinator stores a capture once and answers the
 * same. Not fsynced: the spool guards against a killed process, which keeps the page cache; a power cut may
 * lose a spooled capture, and then its lease expires and the page is fetched again, so the crawl loses
 * nothing either way. Bounded by `maxBytes` (bytes of segments on disk): a capture that would pass it is
 * not spooled (the caller keeps it in memory for its upload attempts, as before the spool existed).
 *
 * `busy` marks captures an upload is working on now, so the background drain never sends one twice at
 * once (a second upload would be answered the same by the coordinator, which stores a capture once).
 */
export class CaptureSpool {
  private readonly entries = new Map<string, Entry>();
  private readonly segments = new Map<string, Segment>();
  private readonly busy = new Set<string>();
  private current: Segment | undefined;
  /** Lease ids removed from the open segment, written to it as drop lines with its next write. */
  private drops: string[] = [];
  private dropsQueued = false;
  private total = 0;
  private seq = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /**
   * Creates the folder, removes half-written leftovers, reads every segment back (verifying each capture;
   * a record cut short or altered is reported through `onBad` and dropped: the coordinator would refuse it
   * anyway), removes segments with nothing left, and counts the rest.
   */
  async open(onBad: (file: string, why: string) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of (await readdir(this.dir)).sort()) {
      const file = join(this.dir, name);
      if (name.endsWith(TMP)) await rm(file, { force: true });
      if (!name.endsWith(SEGMENT) && !name.endsWith(V1)) continue;
      const raw = await readFile(file);
      const seg = newSegment(name);
      const start = headerLength(raw);
      seg.bytes = raw.length - (start ?? 0);
      this.segments.set(name, seg);
      this.total += seg.bytes;
      if (start === undefined) onBad(file, 'not a spool file');
      else
        for (const r of parseRecords(raw, start)) {
          if (r.bad) onBad(`${file}@${r.offset}`, r.bad);
          if (r.drop !== undefined && this.entries.get(r.drop)?.seg === seg) this.forget(r.drop);
          if (!r.capture) continue;
          this.forget(r.capture.leaseId); // the same lease spooled again later: the later capture counts
          this.entries.set(r.capture.leaseId, { seg, offset: r.offset, length: r.length });
          seg.live++;
        }
      if (seg.live === 0) this.release(seg);
    }
  }

  /** Bytes on disk now. */
  get bytes(): number {
    return this.total;
  }

  /** Number of spooled captures. */
  get size(): number {
    return this.entries.size;
  }

  /** Lease ids of every spooled capture. */
  leaseIds(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Writes a capture and marks it busy (the caller is about to upload it; call done() or remove() after).
   * False when it would pass the size bound: nothing is written.
   */
  async put(c: SpooledCapture): Promise<boolean> {
    // JSON.stringify({ leaseId, capture, signature, bytes }), with the capture's text as it was signed
    const header = `{"leaseId":${JSON.stringify(c.leaseId)},"capture":${captureJsonOf(c.signed.capture)},"signature":${JSON.stringify(c.signed.signature)},"bytes":${c.body.length}}`;
    // header and body written by one call: the body is not copied into a record-sized buffer
    const head = Buffer.from(`${header}\n`, 'utf8');
    const length = head.length + c.body.length;
    if (this.total + length > this.maxBytes) return false;
    this.forget(c.leaseId);
    let seg: Segment;
    let offset: number;
    if (length <= SYNC_WRITE_MAX) {
      seg = this.openSegment();
      offset = MAGIC.length + seg.bytes;
      const drops = this.dropLines();
      offset += drops.length;
      try {
        writeAll(seg.fd as number, [drops, head, c.body], drops.length + length);
        seg.bytes += drops.length;
        this.total += drops.length;
      } catch (e) {
        this.rotate(); // what follows a part-written record could not be read back: a new segment
        throw e;
      }
    } else {
      seg = newSegment(this.segmentName());
      offset = MAGIC.length;
      this.total += length; // held while the write is on its way, so two big captures cannot both pass
      const fh = await open(join(this.dir, seg.name), 'w', 0o600);
      try {
        await fh.writev([Buffer.from(MAGIC), head, c.body]);
      } finally {
        this.total -= length;
        await fh.close();
      }
      this.segments.set(seg.name, seg);
    }
    seg.bytes += length;
    seg.live++;
    this.total += length;
    this.entries.set(c.leaseId, { seg, offset, length });
    this.busy.add(c.leaseId);
    if (seg === this.current && seg.bytes >= SEGMENT_ROTATE) this.rotate();
    return true;
  }

  /** Releases a capture marked busy that stays spooled (its upload did not get through). */
  done(leaseId: string): void {
    this.busy.delete(leaseId);
  }

  /** Removes a capture: the coordinator accepted it, or its lease is gone. */
  async remove(leaseId: string): Promise<void> {
    this.forget(leaseId);
  }

  /**
   * Spooled captures no upload is working on, each marked busy until done() or remove(). A record that no
   * longer reads back whole is removed and reported through `onBad`.
   */
  async take(onBad: (file: string, why: string) => void): Promise<SpooledCapture[]> {
    const out: SpooledCapture[] = [];
    const files = new Map<Segment, Buffer>();
    for (const [leaseId, e] of [...this.entries]) {
      if (this.busy.has(leaseId)) continue;
      const file = join(this.dir, e.seg.name);
      let raw = files.get(e.seg);
      if (!raw) {
        raw = await readFile(file);
        files.set(e.seg, raw);
      }
      const r = parseRecords(raw.subarray(0, e.offset + e.length), e.offset).next().value;
      if (r?.capture?.leaseId === leaseId) {
        out.push(r.capture);
        this.busy.add(leaseId);
      } else {
        onBad(`${file}@${e.offset}`, r?.bad ?? 'another capture is at its place');
        this.forget(leaseId);
      }
    }
    return out;
  }

  /** Closes the open segment, removing it if nothing is left in it (a stopping node). */
  close(): void {
    this.rotate();
  }

  /** Drops a capture from the books; its segment goes when nothing is left in it. */
  private forget(leaseId: string): void {
    const e = this.entries.get(leaseId);
    this.busy.delete(leaseId);
    if (!e) return;
    this.entries.delete(leaseId);
    if (--e.seg.live > 0) {
      // so that a restart does not send it again: a line in the open segment, written with the next write
      if (e.seg === this.current) this.queueDrop(leaseId);
      return;
    }
    if (e.seg !== this.current) this.release(e.seg);
    else {
      // the segment new captures go to: emptied in place, one call instead of an unlink and a create
      ftruncateSync(e.seg.fd as number, MAGIC.length);
      this.total -= e.seg.bytes;
      e.seg.bytes = 0;
      this.drops = [];
    }
  }

  private queueDrop(leaseId: string): void {
    this.drops.push(leaseId);
    if (this.dropsQueued) return;
    this.dropsQueued = true;
    // the removals of one upload answer arrive together: one write for all of them
    setImmediate(() => {
      this.dropsQueued = false;
      this.writeDrops();
    }).unref();
  }

  /** Drop lines waiting to be written, taken off the queue. */
  private dropLines(): Buffer {
    if (this.drops.length === 0) return Buffer.alloc(0);
    const text = this.drops.map((leaseId) => `${JSON.stringify({ drop: leaseId })}\n`).join('');
    this.drops = [];
    return Buffer.from(text, 'utf8');
  }

  private writeDrops(): void {
    const seg = this.current;
    const drops = this.dropLines();
    if (!seg || drops.length === 0) return;
    writeAll(seg.fd as number, [drops], drops.length);
    seg.bytes += drops.length;
    this.total += drops.length;
  }

  /** The segment new captures go to, created on first use. */
  private openSegment(): Segment {
    if (this.current) return this.current;
    const seg = newSegment(this.segmentName());
    // appending: after an ftruncate the next write goes to the new end, not to the old offset
    seg.fd = openSync(join(this.dir, seg.name), 'a', 0o600);
    writeAll(seg.fd, [Buffer.from(MAGIC)], MAGIC.length);
    this.segments.set(seg.name, seg);
    this.current = seg;
    return seg;
  }

  /** New captures go to a new segment; this one goes once nothing is left in it (now if nothing is). */
  private rotate(): void {
    const seg = this.current;
    if (!seg) return;
    this.writeDrops();
    this.current = undefined;
    closeSync(seg.fd as number);
    seg.fd = undefined;
    if (seg.live === 0) this.release(seg);
  }

  /** Unlinks a segment nothing is left in. */
  private release(seg: Segment): void {
    if (seg.fd !== undefined) closeSync(seg.fd);
    this.segments.delete(seg.name);
    this.total -= seg.bytes;
    try {
      unlinkSync(join(this.dir, seg.name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /** Names sort by creation time, so a drain after a restart sends the oldest captures first. */
  private segmentName(): string {
    return `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${this.seq++}${SEGMENT}`;
  }
}

/** Length of the magic line a spool file starts with, or undefined when it is not a spool file. */
function headerLength(raw: Buffer): number | undefined {
  const head = raw.subarray(0, MAGIC.length).toString('utf8');
  return head === MAGIC || head === MAGIC_V1 ? MAGIC.length : undefined;
}

/**
 * The records of a segment from `offset`, each verified. Stops at a record it cannot find the end of (cut
 * short, or a header that does not parse); a whole record that does not verify is reported and skipped.
 * A v1 file is one record whose body is the rest of the file.
 */
function* parseRecords(raw: Buffer, offset: number): Generator<Parsed> {
  const v1 = raw.subarray(0, MAGIC_V1.length).toString('utf8') === MAGIC_V1;
  while (offset < raw.length) {
    const end = raw.indexOf(0x0a, offset);
    let h: Record<string, unknown>;
    try {
      if (end < 0) throw new Error('header cut short');
      h = JSON.parse(raw.subarray(offset, end).toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      yield { offset, length: raw.length - offset, bad: (e as Error).message };
      return;
    }
    const bytes = v1 ? raw.length - end - 1 : typeof h.drop === 'string' ? 0 : h.bytes;
    if (
      typeof bytes !== 'number' ||
      !Number.isSafeInteger(bytes) ||
      bytes < 0 ||
      end + 1 + bytes > raw.length
    ) {
      yield { offset, length: raw.length - offset, bad: 'record cut short' };
      return;
    }
    const length = end + 1 + bytes - offset;
    if (typeof h.drop === 'string') {
      yield { offset, length, drop: h.drop };
      offset += length;
      continue;
    }
    try {
      if (typeof h.leaseId !== 'string') throw new Error('no lease id');
      const signed = verifySignedCapture({ capture: h.capture, signature: h.signature });
      if (signed.capture.leaseId !== h.leaseId) throw new Error('capture is for another lease');
      const body = raw.subarray(end + 1, end + 1 + bytes);
      checkCaptureBody(signed.capture, body);
      yield { offset, length, capture: { leaseId: h.leaseId, signed, body } };
    } catch (e) {
      yield { offset, length, bad: (e as Error).message };
    }
    offset += length;
  }
}

/** One `writev` of a record; a short write (disk full) throws, and the caller keeps the capture in memory. */
function writeAll(fd: number, parts: Buffer[], length: number): void {
  const n = writevSync(fd, parts);
  if (n !== length) throw new Error(`spool: wrote ${n} of ${length} bytes (disk full?)`);
}
