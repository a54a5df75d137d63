import { createHash } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkCaptureBody, type SignedCapture, verifySignedCapture } from '@sward/core/node-side';

/** A finished capture waiting for the coordinator's answer. */
export interface SpooledCapture {
  readonly leaseId: string;
  readonly signed: SignedCapture;
  readonly body: Buffer;
}

const MAGIC = 'sward-spool v1\n';
const SUFFIX = '.capture';
const TMP = '.tmp';
/**
 * Captures up to this size are written and removed with synchronous calls: a page's few kilobytes take
 * less than the promise and thread-pool round trips of five asynchronous calls (the spool was about a third
 * of a node's CPU per page in a crawl, docs/BENCHMARKS.md). Bigger ones stay asynchronous, so a large body
 * never holds the event loop (other fetches, uploads) for long.
 */
const SYNC_WRITE_MAX = 1 << 20;

/**
 * Finished captures on disk, one file each, until the coordinator accepts them or their lease is gone
 * (docs/PROTOCOL.md "Stopping and restarting"). A file is written under a temporary name and renamed,
 * so a node killed mid-write leaves either the whole capture or no capture (the temporary is removed at
 * the next open). Not fsynced: the spool guards against a killed process, which keeps the page cache; a
 * power cut may lose a spooled capture, and then its lease expires and the page is fetched again, so the
 * crawl loses nothing either way. Bounded by `maxBytes`: a capture that would pass it is not spooled (the
 * caller keeps it in memory for its upload attempts, as before the spool existed).
 *
 * `busy` marks captures an upload is working on now, so the background drain never sends one twice at
 * once (a second upload would be answered the same by the coordinator, which stores a capture once).
 */
export class CaptureSpool {
  /** File name → its size and lease id. */
  private readonly files = new Map<string, { size: number; leaseId: string }>();
  private readonly busy = new Set<string>();
  private total = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /**
   * Creates the folder, removes half-written leftovers and files that do not read back as a whole,
   * verifying capture (reported through `onBad`: the coordinator would refuse them anyway), and counts
   * the rest.
   */
  async open(onBad: (file: string, why: string) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of (await readdir(this.dir)).sort()) {
      const file = join(this.dir, name);
      if (name.endsWith(TMP)) await rm(file, { force: true });
      if (!name.endsWith(SUFFIX)) continue;
      try {
        const c = await this.read(name);
        this.account(name, (await stat(file)).size, c.leaseId);
      } catch (e) {
        onBad(file, (e as Error).message);
        await rm(file, { force: true });
      }
    }
  }

  /** Bytes on disk now. */
  get bytes(): number {
    return this.total;
  }

  /** Number of spooled captures. */
  get size(): number {
    return this.files.size;
  }

  /** Lease ids of every spooled capture. */
  leaseIds(): string[] {
    return [...this.files.values()].map((f) => f.leaseId);
  }

  /**
   * Writes a capture and marks it busy (the caller is about to upload it; call done() or remove() after).
   * False when it would pass the size bound: nothing is written.
   */
  async put(c: SpooledCapture): Promise<boolean> {
    const name = fileName(c.leaseId);
    const header = JSON.stringify({
      leaseId: c.leaseId,
      capture: c.signed.capture,
      signature: c.signed.signature,
    });
    // header and body written one after the other: the body is not copied into a file-sized buffer
    const head = Buffer.from(`${MAGIC}${header}\n`, 'utf8');
    const size = head.length + c.body.length;
    const before = this.files.get(name)?.size ?? 0;
    if (this.total - before + size > this.maxBytes) return false;
    const file = join(this.dir, name);
    const tmp = `${file}.${process.pid}${TMP}`;
    if (size <= SYNC_WRITE_MAX) {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeFileSync(fd, head);
        writeFileSync(fd, c.body);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } else {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(head);
        await fh.writeFile(c.body);
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    }
    this.account(name, size, c.leaseId);
    this.busy.add(name);
    return true;
  }

  /** Releases a capture marked busy that stays spooled (its upload did not get through). */
  done(leaseId: string): void {
    this.busy.delete(fileName(leaseId));
  }

  /** Removes a capture: the coordinator accepted it, or its lease is gone. */
  async remove(leaseId: string): Promise<void> {
    const name = fileName(leaseId);
    const size = this.files.get(name)?.size;
    const file = join(this.dir, name);
    // one unlink (rm() stats first); a file not known here may be big or gone: the general call
    if (size !== undefined && size <= SYNC_WRITE_MAX) unlinkQuietly(file);
    else await rm(file, { force: true });
    this.total -= size ?? 0;
    this.files.delete(name);
    this.busy.delete(name);
  }

  /**
   * Spooled captures no upload is working on, each marked busy until done() or remove(). A file that no
   * longer reads back whole is removed and reported through `onBad`.
   */
  async take(onBad: (file: string, why: string) => void): Promise<SpooledCapture[]> {
    const out: SpooledCapture[] = [];
    for (const [name, f] of [...this.files]) {
      if (this.busy.has(name)) continue;
      try {
        out.push(await this.read(name));
        this.busy.add(name);
      } catch (e) {
        onBad(join(this.dir, name), (e as Error).message);
        await this.remove(f.leaseId);
      }
    }
    return out;
  }

  private account(name: string, size: number, leaseId: string): void {
    this.total += size - (this.files.get(name)?.size ?? 0);
    this.files.set(name, { size, leaseId });
  }

  /** Reads and checks one spooled file; throws saying what is wrong. */
  private async read(name: string): Promise<SpooledCapture> {
    const raw = await readFile(join(this.dir, name));
    if (raw.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) throw new Error('not a spool file');
    const end = raw.indexOf(0x0a, MAGIC.length);
    if (end < 0) throw new Error('header cut short');
    const h = JSON.parse(raw.subarray(MAGIC.length, end).toString('utf8')) as Record<string, unknown>;
    if (typeof h.leaseId !== 'string' || fileName(h.leaseId) !== name)
      throw new Error('lease id does not match the file name');
    const signed = verifySignedCapture({ capture: h.capture, signature: h.signature });
    if (signed.capture.leaseId !== h.leaseId) throw new Error('capture is for another lease');
    const body = raw.subarray(end + 1);
    checkCaptureBody(signed.capture, body);
    return { leaseId: h.leaseId, signed, body };
  }
}

/** Lease ids come from the coordinator: hashed into the file name, never used as a path. */
function fileName(leaseId: string): string {
  return `${createHash('sha256').update(leaseId).digest('hex').slice(0, 40)}${SUFFIX}`;
}

/** Removes a file; one that is already gone is fine (removed twice, or by hand). */
function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
