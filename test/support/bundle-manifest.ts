import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLE_MANIFEST_FILE,
  BUNDLE_MANIFEST_TYPE,
  type ManifestFile,
  type NoteSigner,
  sha256Hex,
  signBundleManifest,
} from '@sward/core';

/** Signs a manifest over every file of a synthetic bundle (tests, benchmarks), as the coordinator does for a real one. */
export function writeTestManifest(
  dir: string,
  signer: NoteSigner,
  checkpoint: { size: number; hash: string },
  /** Changes the file list before it is signed (a coordinator signing what the folder does not hold). */
  edit: (files: ManifestFile[]) => ManifestFile[] = (files) => files,
): void {
  const walk = (sub: string): string[] =>
    readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      return e.isDirectory() ? walk(rel) : [rel];
    });
  const files = walk('')
    .filter((path) => path !== BUNDLE_MANIFEST_FILE)
    .map((path) => {
      const bytes = readFileSync(join(dir, path));
      return { path, sha256: sha256Hex(bytes), size: bytes.length };
    });
  const note = signBundleManifest(
    {
      type: BUNDLE_MANIFEST_TYPE,
      jobId: 'bench',
      parameters: { job: {}, output: {} },
      checkpoint: { size: checkpoint.size, hash: checkpoint.hash },
      files: edit(files),
    },
    [signer],
  );
  writeFileSync(join(dir, BUNDLE_MANIFEST_FILE), note);
}
