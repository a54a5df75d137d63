import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ManifestFile } from '@sward/core';

/** A file of the dataset folder written as a stream and hashed on the way, for the signed manifest. */
export class HashedFile {
  private readonly out;
  private readonly hash = createHash('sha256');
  private size = 0;
  constructor(
    dir: string,
    readonly path: string,
  ) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    this.out = createWriteStream(join(dir, path));
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.hash.update(bytes);
    this.size += bytes.length;
    if (!this.out.write(bytes)) await once(this.out, 'drain');
  }

  async close(): Promise<ManifestFile> {
    this.out.end();
    await once(this.out, 'finish');
    return { path: this.path, sha256: this.hash.digest('hex'), size: this.size };
  }
}

/** Writes a whole small file and returns its manifest entry. */
export async function writeHashed(dir: string, path: string, text: string): Promise<ManifestFile> {
  const f = new HashedFile(dir, path);
  await f.write(text);
  return f.close();
}
