import { randomUUID } from 'node:crypto';
import { linkSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Writes `text` to `path` unless a file is there already; true when this call wrote it. Written whole
 * under a private name and linked into place (atomic, fails if it exists): a peer starting at the same
 * moment on the same folder reads one file's text, never half of one.
 */
export function writeOnce(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}
