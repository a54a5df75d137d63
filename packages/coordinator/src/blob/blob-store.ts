import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlobDepth, blobLayout, writeBlobLayout } from './blob-layout.js';

/**
 * Content-addressed folder of raw bodies: `sha256/ab/<hex>`, or `sha256/ab/cd/<hex>` in a store made
 * before that (blob-layout.ts). A write goes to a temporary name and is renamed into place, so a crash
 * never leaves a partial body under a hash name.
 */
/** Bodies up to this size are written on the calling thread (see put). */
const SYNC_WRITE_MAX = 256 * 1024;

export class BlobStore {
  /** Folder levels below `sha256/`, read from the folder once: every reader of a store finds the same. */
  private depth: BlobDepth;
  /** False until a new store's layout file is written (before its first body). */
  private layoutWritten: boolean;

  constructor(readonly root: string) {
    const layout = blobLayout(root);
    this.depth = layout.depth;
    this.layoutWritten = layout.written;
  }

  relativePath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`not a sha256 hex digest: ${sha256}`);
    return this.depth === 1
      ? join('sha256', sha256.slice(0, 2), sha256)
      : join('sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** The body's file (an extraction thread reads it there itself). */
  pathOf(sha256: string): string {
    return join(this.root, this.relativePath(sha256));
  }

  /**
   * Temporary names: random per store object, then a counter (a random name per write cost a call into
   * the CSPRNG per body); unique across processes sharing the folder as the random part is.
   */
  private readonly tmpTag = randomBytes(6).toString('hex');
  private written = 0;

  /** Folders known to exist: a body's folder is made once, not asked for on every write. */
  private readonly folders = new Set<string>();

  /**
   * No existence check first: the same hash is the same bytes, so renaming over a body already there changes
   * nothing, and most bodies are new. Small bodies are written synchronously: four system calls on this
   * thread cost less than four trips through the thread pool and their promises (the capture path's largest
   * file-system cost in the crawl profile); large ones go through the pool so the event loop is not held.
   * Making the folder through the pool was tried (session 14): less main-thread CPU in a replay under heavy
   * disk load, but pages/s 0.79–0.96× the start's in all 8 quiet crawl-bench rounds, so it stays here.
   */
  async put(sha256: string, body: Uint8Array): Promise<string> {
    if (!this.layoutWritten) {
      this.depth = writeBlobLayout(this.root);
      this.layoutWritten = true;
    }
    const rel = this.relativePath(sha256);
    const path = join(this.root, rel);
    const folder = join(path, '..');
    const tmp = `${path}.${this.tmpTag}${(this.written++).toString(36)}.tmp`;
    if (body.length <= SYNC_WRITE_MAX) {
      if (!this.folders.has(folder)) mkdirSync(folder, { recursive: true });
      try {
        writeFileSync(tmp, body);
      } catch (e) {
        // a folder removed behind our back (an operator pruning blobs): make it again, once
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        mkdirSync(folder, { recursive: true });
        writeFileSync(tmp, body);
      }
      renameSync(tmp, path);
    } else {
      if (!this.folders.has(folder)) await mkdir(folder, { recursive: true });
      await writeFile(tmp, body);
      await rename(tmp, path);
    }
    this.folders.add(folder);
    return rel;
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch {
      return null;
    }
  }
}
