import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { ManifestFile } from '@sward/core';
import { CoordinatorError } from '../errors.js';
import type { LabellingService } from '../labelling/labelling-service.js';
import type { VersionRow } from './catalogue-rows.js';

/** The labelling service's parts the catalogue uses: the tenant's projects and their exports. */
export type LabelProjects = Pick<LabellingService, 'projects' | 'exporter'>;

/** A labelling project's export, frozen under the catalogue's folder for one version. */
export interface FrozenLabels {
  project: string;
  files: ManifestFile[];
  bytes: number;
  /** One per labelled item: its id (as `url` and `captureId`) and the SHA-256 of its aggregate label. */
  rows: VersionRow[];
  licenses: Record<string, number>;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Labels versions are `lp_…` projects' exports; crawl versions are `ds_…` builds (the source id tells). */
export const isLabelsSource = (sourceId: string) => sourceId.startsWith('lp_');

/**
 * Writes the project's export as it stands now to `<root>/<versionId>/` (through a temporary folder, so a
 * version's folder is either whole or absent) and answers what the version records. Another tenant's project
 * answers NOT_FOUND, as a missing one. Later labels change the project's export, never these files.
 */
export async function freezeLabels(
  labelling: LabelProjects,
  root: string,
  tenant: string,
  projectId: string,
  versionId: string,
): Promise<FrozenLabels> {
  const project = await labelling.projects.requireOf(tenant, projectId);
  const { files, labels, stats } = await labelling.exporter.build(project);
  const dir = versionDir(root, versionId);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const list: ManifestFile[] = [];
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    writeFileSync(join(tmp, path), bytes);
    list.push({ path, sha256: sha256(bytes), size: bytes.byteLength });
  }
  renameSync(tmp, dir);
  const rows: VersionRow[] = [...labels].map(([item, label]) => ({
    captureId: item,
    url: item,
    bodySha256: sha256(label),
    nodeId: '',
    terms: null,
  }));
  return {
    project: project.id,
    files: list,
    bytes: list.reduce((s, f) => s + f.size, 0),
    rows,
    licenses: rows.length ? { [stats.license]: rows.length } : {},
  };
}

/** Removes a version's frozen files (its publication failed). */
export function dropFrozen(root: string, versionId: string): void {
  rmSync(versionDir(root, versionId), { recursive: true, force: true });
}

/**
 * The absolute path of one frozen file of a labels version: only a path its recorded list names, checked
 * against the size recorded (a file changed on disk is refused rather than served).
 */
export function frozenFilePath(
  root: string,
  versionId: string,
  files: readonly ManifestFile[],
  path: string,
) {
  const f = files.find((x) => x.path === path);
  if (!f) throw new CoordinatorError('NOT_FOUND', `no file ${path}`);
  const dir = versionDir(root, versionId);
  if (!existsSync(dir))
    throw new CoordinatorError('NOT_FOUND', `the files of this version are not on this coordinator`);
  const real = realpathSync(dir);
  const abs = resolve(real, path);
  if (!abs.startsWith(real + sep))
    throw new CoordinatorError('BAD_REQUEST', `path ${path} is outside the version`);
  if (!existsSync(abs) || statSync(abs).size !== f.size)
    throw new CoordinatorError('STORAGE', `${path} of this version does not match its recorded size`);
  return abs;
}

function versionDir(root: string, versionId: string) {
  if (!/^dv_[A-Za-z0-9_-]+$/.test(versionId))
    throw new CoordinatorError('NOT_FOUND', `no version ${versionId}`);
  return join(root, versionId);
}
