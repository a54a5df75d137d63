import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { BUNDLE_MANIFEST_FILE } from '@sward/core';
import type { SwardClient } from './client.js';

/**
 * Writes a finished dataset build's files under `dir`, each checked against the SHA-256 and size the
 * coordinator's signed file list gives, then the signed manifest itself (so a folder that stops half way
 * has no manifest and fails `sward verify` as incomplete). Streams each file: shards are ~256 MB.
 */
export async function downloadDataset(
  client: SwardClient,
  id: string,
  dir: string,
  onFile?: (path: string, size: number) => void,
): Promise<{ files: number; bytes: number }> {
  const { files } = await client.datasetFiles(id);
  return writeSignedFiles(files, (path) => client.datasetFile(id, path), dir, onFile);
}

/**
 * Writes the files of a catalogue download (POST …/downloads, or one made earlier: fetching its files again
 * charges nothing), checked as downloadDataset checks a build's.
 */
export async function downloadCatalogueFiles(
  client: SwardClient,
  downloadId: string,
  dir: string,
  onFile?: (path: string, size: number) => void,
): Promise<{ files: number; bytes: number }> {
  const { files, kind } = await client.catalogueDownload(downloadId);
  // A labels version has no signed manifest: its files are checked against the version's recorded SHA-256.
  return writeSignedFiles(
    files,
    (path) => client.catalogueDownloadFile(downloadId, path),
    dir,
    onFile,
    kind === 'dataset',
  );
}

async function writeSignedFiles(
  files: readonly { path: string; sha256: string; size: number }[],
  open: (path: string) => Promise<ReadableStream<Uint8Array>>,
  dir: string,
  onFile?: (path: string, size: number) => void,
  withManifest = true,
): Promise<{ files: number; bytes: number }> {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  let bytes = 0;
  const save = async (path: string): Promise<{ sha256: string; size: number }> => {
    const abs = resolve(root, path);
    if (!abs.startsWith(root + sep))
      throw new Error(`the coordinator named a file outside the folder: ${path}`);
    mkdirSync(dirname(abs), { recursive: true });
    const out = createWriteStream(abs);
    const h = createHash('sha256');
    let size = 0;
    // read through its reader: the DOM typings (the console type-checks the SDK with them) give a web
    // stream no async iterator
    const reader = (await open(path)).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const chunk = r.value;
      h.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return { sha256: h.digest('hex'), size };
  };
  for (const f of files) {
    const got = await save(f.path);
    if (got.sha256 !== f.sha256 || got.size !== f.size) {
      rmSync(join(root, BUNDLE_MANIFEST_FILE), { force: true });
      throw new Error(
        `${f.path}: downloaded ${got.size} bytes sha256 ${got.sha256}, the signed list says ${f.size} bytes sha256 ${f.sha256}`,
      );
    }
    bytes += got.size;
    onFile?.(f.path, got.size);
  }
  if (!withManifest) return { files: files.length, bytes };
  bytes += (await save(BUNDLE_MANIFEST_FILE)).size;
  return { files: files.length + 1, bytes };
}
