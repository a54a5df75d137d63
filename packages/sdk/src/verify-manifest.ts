import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUNDLE_MANIFEST_FILE,
  type BundleFailure,
  type BundleManifest,
  openBundleManifest,
  parseVerifierKey,
} from '@sward/core';
import { scratch } from './bundle-chunks.js';
import { yieldTurn } from './verify-pool.js';
import type { CheckLine } from './verify-report.js';

/** The WARC file `sward crawl --warc` writes beside the bundle; the manifest does not list it. */
export const WARC_FILE = 'pages.warc.gz';

export interface ManifestFindings {
  manifest: BundleManifest | null;
  failures: BundleFailure[];
  /** Files compared with the manifest (hash and size), and files present but outside it by design. */
  filesChecked: number;
  outside: string[];
}

const fail = (check: 'manifest' | 'files', message: string): BundleFailure => ({ row: null, check, message });

/**
 * Every file under `dir`, as bundle paths (`/`-separated), in no particular order. A loop over a stack of
 * folders rather than a recursion of flatMaps: blobs/ holds about one folder per blob, and this lists a
 * 100,000-blob bundle in three quarters of the time (bench/log-bench.ts).
 */
function listFiles(dir: string): string[] {
  const files: string[] = [];
  const folders = [''];
  for (let sub = folders.pop(); sub !== undefined; sub = folders.pop())
    for (const e of readdirSync(sub ? join(dir, sub) : dir, { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) folders.push(rel);
      else files.push(rel);
    }
  return files;
}

/** Files up to this size are read whole: a stream per small blob costs ten times the read (log-bench). */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

/** The file's size and SHA-256; the hash is not computed when the size already differs from the signed one. */
async function fileDigest(
  path: string,
  expectedSize: number,
): Promise<{ sha256: string; size: number } | null> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return null;
  }
  if (size !== expectedSize) return { sha256: 'not computed', size };
  if (size <= READ_WHOLE_BYTES) {
    try {
      const bytes = readFileSync(path);
      return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    } catch {
      return null;
    }
  }
  // Larger files (pages.jsonl, the pack) are read in pieces with synchronous reads into one reused
  // buffer, letting the event loop run between pieces: a stream's thread-pool round trip per 64 KiB left
  // verify idle for 7 % of its time on a loaded machine (docs/BENCHMARKS.md).
  const h = createHash('sha256');
  let read = 0;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = scratch('files', PIECE);
    for (let n = readSync(fd, buf, 0, PIECE, read); n > 0; n = readSync(fd, buf, 0, PIECE, read)) {
      h.update(buf.subarray(0, n));
      read += n;
      await yieldTurn();
    }
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), size: read };
}

/** How much of a large file is hashed between two turns of the event loop. */
const PIECE = 4 * 1024 * 1024;

/**
 * Checks the folder against its signed manifest: the signature (by a trusted log key), the checkpoint it
 * names (the bundle's last, whose signature the checkpoints check verifies), then every file: one the
 * manifest lists but the folder lacks, one whose bytes differ, and one the manifest does not list each
 * fail, naming the file. `hashed` are files this run already read whole and hashed (the rows' bodies):
 * one the manifest lists with that very SHA-256 and size is not read again; any other is.
 */
export async function checkManifest(
  dir: string,
  keys: readonly string[],
  checkpoints: { checkpoints: { size: number; hash: string }[] } | null,
  hashed: ReadonlyMap<string, { sha256: string; size: number }> = new Map(),
): Promise<ManifestFindings> {
  const out: ManifestFindings = { manifest: null, failures: [], filesChecked: 0, outside: [] };
  const note = await readFile(join(dir, BUNDLE_MANIFEST_FILE), 'utf8').catch(() => null);
  if (note === null) {
    out.failures.push(
      fail('manifest', `${BUNDLE_MANIFEST_FILE} is missing: no file of the folder can be checked`),
    );
    return out;
  }
  let m: BundleManifest;
  try {
    m = openBundleManifest(
      note,
      keys.map((k) => parseVerifierKey(k)),
    );
  } catch (e) {
    out.failures.push(fail('manifest', `${BUNDLE_MANIFEST_FILE}: ${(e as Error).message}`));
    return out;
  }
  out.manifest = m;
  const last = checkpoints?.checkpoints.reduce((a, c) => (c.size > a.size ? c : a));
  if (last && (last.size !== m.checkpoint.size || last.hash !== m.checkpoint.hash))
    out.failures.push(
      fail(
        'manifest',
        `${BUNDLE_MANIFEST_FILE} signs checkpoint ${m.checkpoint.size} (${m.checkpoint.hash}), but the bundle's last is ${last.size} (${last.hash})`,
      ),
    );
  const present = new Set(listFiles(dir));
  present.delete(BUNDLE_MANIFEST_FILE);
  for (const f of m.files) {
    if (!present.delete(f.path)) {
      out.failures.push(fail('files', `${f.path}: missing (the signed manifest lists it)`));
      continue;
    }
    const known = hashed.get(f.path);
    if (known && known.sha256 === f.sha256 && known.size === f.size) {
      out.filesChecked++;
      continue;
    }
    const got = await fileDigest(join(dir, f.path), f.size);
    out.filesChecked++;
    if (!got) out.failures.push(fail('files', `${f.path}: not readable`));
    else if (got.size !== f.size || got.sha256 !== f.sha256)
      out.failures.push(
        fail(
          'files',
          `${f.path}: changed (${got.size} bytes, sha256 ${got.sha256}; the manifest signs ${f.size} bytes, sha256 ${f.sha256})`,
        ),
      );
  }
  if (m.parameters.output.warc === true && present.delete(WARC_FILE)) out.outside.push(WARC_FILE);
  for (const path of [...present].sort())
    out.failures.push(fail('files', `${path}: extra (not in the signed manifest)`));
  return out;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The report's lines for the manifest: its signature, the files against it, and files outside it. */
export function manifestLines(f: ManifestFindings, trustedFromBundle: boolean): CheckLine[] {
  const bad = (check: string) => f.failures.filter((x) => x.check === check);
  const manifest = bad('manifest');
  const files = bad('files');
  const lines: CheckLine[] = [
    manifest.length
      ? {
          check: 'manifest',
          status: 'failed',
          detail: `${manifest.length} problem(s); first: ${manifest[0]?.message}`,
        }
      : {
          check: 'manifest',
          status: 'checked',
          detail: `signed by the log key${trustedFromBundle ? ' written in the bundle' : ' you trust'}, for job ${f.manifest?.jobId} at checkpoint ${f.manifest?.checkpoint.size}`,
        },
  ];
  if (!f.manifest)
    lines.push({ check: 'files', status: 'not_checked', detail: 'no signed manifest to check them against' });
  else
    lines.push(
      files.length
        ? {
            check: 'files',
            status: 'failed',
            detail: `${files.length} of ${plural(f.manifest.files.length, 'file')} changed, missing or extra; first: ${files[0]?.message}`,
          }
        : {
            check: 'files',
            status: 'checked',
            detail: `${plural(f.filesChecked, 'file')} match the signed manifest (sha256 and size); no file missing, none extra`,
          },
    );
  for (const path of f.outside)
    lines.push({
      check: path,
      status: 'not_checked',
      detail:
        'outside the signed manifest (its record ids and dates are not reproducible); the rows and blobs are',
    });
  return lines;
}
