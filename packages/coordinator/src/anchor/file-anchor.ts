import { randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import {
  anchorEntrySigner,
  CoreError,
  type FileAnchorEntry,
  type FileAnchorRef,
  type NoteSigner,
  nextFileAnchorEntry,
  verifyFileAnchorEntry,
} from '@sward/core';
import type { Anchor } from './anchor.js';
import { AnchorError, checkCheckpointHash } from './anchor-error.js';

export interface FileAnchorOptions {
  /** Clock for entry times; tests pin it. */
  readonly now?: () => Date;
  /**
   * Drop an unterminated last line (a crash mid-append) instead of refusing to open. Safe: anchor()
   * resolves only after the whole line and its newline are fsynced, so nobody holds a ref to it.
   */
  readonly repairTornTail?: boolean;
  /**
   * The log key: signs every new entry so a copy of the chain (shipped in bundles) cannot be
   * recomputed by someone else. Without it entries are unsigned, and bundles that carry them fail.
   */
  readonly signer?: NoteSigner;
}

/** Entries one entries() call returns at most. */
export const MAX_CHAIN_ENTRIES = 10_000;

/**
 * The default anchor: an append-only JSONL file whose entries are hash-chained (see core's
 * anchor-verify.ts). One writer process per file: appends within this process are serialised, but
 * nothing stops a second process from appending too, which would fork the chain.
 */
export class FileAnchor implements Anchor {
  readonly kind = 'file';
  private queue: Promise<unknown> = Promise.resolve();
  private failed: unknown = null;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private head: FileAnchorEntry | null,
    private readonly now: () => Date,
    private readonly sign: ((entryHash: string) => string) | undefined,
  ) {}

  /** Opens (creating if missing) and checks the whole chain; a broken chain is refused, naming the line. */
  static async open(path: string, opts: FileAnchorOptions = {}): Promise<FileAnchor> {
    const fh = await open(path, 'a+');
    try {
      const { size } = await fh.stat();
      if (size === 0) await syncDir(dirname(path)); // make the new file's directory entry durable
      const head = await readChain(fh, path, size, opts.repairTornTail ?? false);
      const sign = opts.signer ? anchorEntrySigner(opts.signer) : undefined;
      return new FileAnchor(path, fh, head, opts.now ?? (() => new Date()), sign);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Number of entries in the chain. */
  get length(): number {
    return this.head ? this.head.seq + 1 : 0;
  }

  /** The last entry, or null for an empty file. */
  get last(): FileAnchorEntry | null {
    return this.head;
  }

  /** This file's chain id (null for a file begun before chain ids, or still empty). */
  get chain(): string | null {
    return this.head?.chain ?? null;
  }

  /**
   * Entries `from`..`to` (seq, inclusive; at most MAX_CHAIN_ENTRIES), as written: what a bundle ships
   * so an auditor can check its anchors link by link. Reads only lines already appended and fsynced.
   */
  async entries(from: number, to: number): Promise<FileAnchorEntry[]> {
    const last = Math.min(to, from + MAX_CHAIN_ENTRIES - 1, this.head?.seq ?? -1);
    const out: FileAnchorEntry[] = [];
    if (last < from) return out;
    const input = (await open(this.path, 'r')).createReadStream();
    try {
      let seq = 0;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        // One entry per line, seq = line number - 1 (open() checked the chain, and only we append).
        if (seq >= from) out.push(JSON.parse(line) as FileAnchorEntry);
        if (++seq > last) break;
      }
    } finally {
      input.destroy();
    }
    return out;
  }

  anchor(checkpointHashHex: string): Promise<FileAnchorRef> {
    const run = this.queue.then(() => this.append(checkpointHashHex));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    this.failed ??= new AnchorError('CLOSED', `anchor file ${this.path} is closed`);
    await this.fh.close();
  }

  private async append(checkpointHashHex: string): Promise<FileAnchorRef> {
    checkCheckpointHash(checkpointHashHex);
    if (this.failed) throw this.failed;
    const entry = nextFileAnchorEntry(this.head, checkpointHashHex, this.now().toISOString(), {
      chain: randomBytes(16).toString('hex'),
      ...(this.sign ? { sign: this.sign } : {}),
    });
    try {
      await this.fh.write(`${JSON.stringify(entry)}\n`);
      await this.fh.sync();
    } catch (cause) {
      // A half-written line may now end the file; refuse further appends until a reopen repairs it.
      this.failed = new AnchorError('CORRUPT_FILE', `append to ${this.path} failed; reopen the anchor`, {
        cause,
      });
      throw this.failed;
    }
    this.head = entry;
    return { kind: 'file', ...entry };
  }
}

async function readChain(
  fh: FileHandle,
  path: string,
  size: number,
  repairTornTail: boolean,
): Promise<FileAnchorEntry | null> {
  if (size === 0) return null;
  const lastByte = Buffer.alloc(1);
  await fh.read(lastByte, 0, 1, size - 1);
  const torn = lastByte[0] !== 0x0a;
  let head: FileAnchorEntry | null = null;
  let lineNo = 0;
  let goodBytes = 0;
  let pending: string | null = null; // hold one line back: if the file is torn, the last line is the torn one
  const check = (line: string, n: number) => {
    try {
      head = verifyFileAnchorEntry(JSON.parse(line), head);
    } catch (cause) {
      const why = cause instanceof CoreError ? cause.message : 'not JSON';
      throw new AnchorError('CORRUPT_FILE', `anchor file ${path} line ${n}: ${why}`, { cause });
    }
    goodBytes += Buffer.byteLength(line) + 1;
  };
  const lines = createInterface({
    input: fh.createReadStream({ start: 0, autoClose: false }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    if (pending !== null) check(pending, lineNo);
    pending = line;
    lineNo++;
  }
  if (pending !== null) {
    if (!torn) check(pending, lineNo);
    else if (!repairTornTail)
      throw new AnchorError(
        'CORRUPT_FILE',
        `anchor file ${path} line ${lineNo} is unterminated (interrupted append?); open with repairTornTail to drop it`,
      );
    else await fh.truncate(goodBytes);
  }
  return head;
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
