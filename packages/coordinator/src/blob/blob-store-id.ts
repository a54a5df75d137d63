import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinatorError } from '../errors.js';
import { writeOnce } from './write-once.js';

/** Name of the marker file at the root of a blob store folder. */
export const BLOB_STORE_MARKER = 'sward-blob-store-id';

/**
 * The identity of a blob store folder: a random id in a marker file at its root, written on first use.
 * Coordinators that share the folder (a network mount) read the same id, so the database can tell a
 * replica pointed at another, empty folder from one that sees its peers' bodies.
 */
export function blobStoreId(root: string): { id: string; created: boolean } {
  const path = join(root, BLOB_STORE_MARKER);
  const read = () => {
    const id = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f-]{36}$/.test(id))
      throw new CoordinatorError(
        'CONFIG',
        `blob store marker ${path} does not hold a store id (found ${JSON.stringify(id.slice(0, 40))}); restore it from the shared blob folder or a backup`,
      );
    return id;
  };
  try {
    return { id: read(), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(root, { recursive: true });
  const created = writeOnce(path, `${randomUUID()}\n`);
  return { id: read(), created };
}

/** Removes a marker this start wrote itself, when the start is refused (the folder stays as it was). */
export function forgetBlobStoreId(root: string): void {
  try {
    unlinkSync(join(root, BLOB_STORE_MARKER));
  } catch {
    // already gone
  }
}
