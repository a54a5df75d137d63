import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinatorError } from '../errors.js';
import { writeOnce } from './write-once.js';

/** Name of the file at a blob store's root that says how its bodies are laid out. */
export const BLOB_LAYOUT_FILE = 'sward-blob-layout';

/**
 * How many two-hex-digit folders a body's file is under, below `sha256/`: 2 is `sha256/ab/cd/<hex>`
 * (stores made before the layout file), 1 is `sha256/ab/<hex>` (stores made since). One level means 256
 * folders in all, made once, where two meant a new folder for nearly every body of a young store (65,536
 * of them): on ext4 a `mkdir` allocates an inode and a directory block, the largest single system call
 * of the capture path (docs/BENCHMARKS.md, session 17, cmain). 256 folders still keep each one's
 * entries to about 4,000 at a million bodies.
 */
export type BlobDepth = 1 | 2;

const LAYOUT_TEXT: Record<BlobDepth, string> = { 1: 'sha256/ab/<sha256>', 2: 'sha256/ab/cd/<sha256>' };

/** The layout the file names, or null when there is no file. */
function readLayout(root: string): BlobDepth | null {
  let text: string;
  try {
    text = readFileSync(join(root, BLOB_LAYOUT_FILE), 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (text === LAYOUT_TEXT[1]) return 1;
  if (text === LAYOUT_TEXT[2]) return 2;
  throw new CoordinatorError(
    'CONFIG',
    `blob store layout file ${join(root, BLOB_LAYOUT_FILE)} names no layout this coordinator knows (found ${JSON.stringify(text.slice(0, 40))}); restore it from the shared blob folder or a backup`,
  );
}

/**
 * The layout of the store at `root`, and whether it still has to be written down. A store with the file
 * follows it; one with bodies but no file is an older store (two levels, never moved); one with neither
 * is new and gets one level, written down (writeBlobLayout) before its first body, so a peer or a later
 * start that finds `sha256/` also finds the file.
 */
export function blobLayout(root: string): { depth: BlobDepth; written: boolean } {
  const named = readLayout(root);
  if (named !== null) return { depth: named, written: true };
  if (existsSync(join(root, 'sha256'))) return { depth: 2, written: true };
  return { depth: 1, written: false };
}

/**
 * Before a store's first body: writes the layout file of a store still new and returns the layout to
 * use. Looked at again, not taken from when the store was opened: a peer on the same folder may have
 * written the file since (its layout then), or a coordinator older than the file may have stored bodies
 * (a `sha256/` folder and no file: two levels, and no file written, as in any older store).
 */
export function writeBlobLayout(root: string): BlobDepth {
  const now = blobLayout(root);
  if (now.written) return now.depth;
  mkdirSync(root, { recursive: true });
  writeOnce(join(root, BLOB_LAYOUT_FILE), `${LAYOUT_TEXT[now.depth]}\n`);
  return readLayout(root) as BlobDepth;
}
