import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Content-addressed folder of raw bodies: `sha256/ab/cd/<hex>`. A write goes to a temporary name and is
 * renamed into place, so a crash never leaves a partial body under a hash name.
 */
/** Bodies up to this size are written on the calling thread (see put). */
const SYNC_WRITE_MAX = 256 * 1024;

export class BlobStore {
  constructor(readonly root: string) {}

  relativePath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`not a sha256 hex digest: ${sha256}`);
    return join('sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
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
   * nothing, and most bodies are new. A body's new `ab/cd` folder (a young store has few of its 65,536, so
   * nearly every body makes one) is made through the thread pool: mkdir was the dearest of a body's calls on
   * the event loop's thread, whose CPU is the coordinator's bottleneck (capture-batch-bench, main-thread CPU
   * per capture 0.77–0.87× with it: docs/BENCHMARKS.md, session 14, coord). Small bodies are then written
   * in place: two system calls cost less than the pool trips and promises of open, write, close and rename
   * (all four through the pool moved no more off the thread and cost more CPU in all). Large ones go through
   * the pool so the event loop is not held.
   */
  async put(sha256: string, body: Uint8Array): Promise<string> {
    const rel = this.relativePath(sha256);
    const path = join(this.root, rel);
    const folder = join(path, '..');
    const tmp = `${path}.${this.tmpTag}${(this.written++).toString(36)}.tmp`;
    if (!this.folders.has(folder)) await mkdir(folder, { recursive: true });
    if (body.length <= SYNC_WRITE_MAX) {
      try {
        writeFileSync(tmp, body);
      } catch (e) {
        // a folder removed behind our back (an operator pruning blobs): make it again, once
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        await mkdir(folder, { recursive: true });
        writeFileSync(tmp, body);
      }
      renameSync(tmp, path);
    } else {
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
