import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Content-addressed folder of raw bodies: `sha256/ab/cd/<hex>`. A write goes to a temporary name and is
 * renamed into place, so a crash never leaves a partial body under a hash name.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  relativePath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`not a sha256 hex digest: ${sha256}`);
    return join('sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(sha256: string, body: Uint8Array): Promise<string> {
    const rel = this.relativePath(sha256);
    const path = join(this.root, rel);
    try {
      await stat(path);
      return rel;
    } catch {
      // not there yet
    }
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    return rel;
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(join(this.root, this.relativePath(sha256)));
    } catch {
      return null;
    }
  }
}
