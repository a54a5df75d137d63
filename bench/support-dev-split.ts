// The development split of WCXB cut in two by site: bench/dev-split.ts scores the halves (and the learned
// block model experiment, commit 3904aec, trained on "tune" and was judged on "check"). A page's half is the
// first byte of sha256(its domain): even → tune, odd → check, so the halves never change and one site never
// sits in both.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EvalDataError } from './support-extract-score.js';

export type Half = 'tune' | 'check';

/** wcxb-dev's folder under `data`, and the half each of its pages falls in. */
export function devHalves(data: string | undefined): {
  dev: string;
  halfOf: (id: string) => Half;
  siteOf: (id: string) => string;
} {
  if (!data)
    throw new EvalDataError('--data DIR (or SWARD_EVAL_DIR) is required: the folder holding wcxb-dev/');
  const dev = join(resolve(data), 'wcxb-dev');
  const metaFile = join(dev, 'metadata.json');
  if (!existsSync(metaFile)) throw new EvalDataError(`no metadata.json in ${dev}`);
  const meta = (JSON.parse(readFileSync(metaFile, 'utf8')) as { files: Record<string, { domain?: string }> })
    .files;
  /** The page's site: its domain, or its id when the metadata names none. */
  const siteOf = (id: string): string => meta[id]?.domain ?? id;
  /** tune or check, by the page's site. */
  const halfOf = (id: string): Half =>
    (createHash('sha256').update(siteOf(id)).digest()[0] as number) & 1 ? 'check' : 'tune';
  return { dev, halfOf, siteOf };
}
