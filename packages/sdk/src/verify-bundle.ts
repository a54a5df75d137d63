import { createReadStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLE_CHECKPOINTS_FILE, type BundleFailure, BundleVerifier } from '@sward/core';

export interface VerifyReport {
  rows: number;
  rowsOk: number;
  checkpoints: number;
  trustedFromBundle: boolean;
  failures: BundleFailure[];
}

/**
 * Verifies a crawl output folder offline (see core's bundle-format.ts). With no trusted keys, the log
 * key written in the bundle is trusted and the report says so: that proves integrity, not origin.
 */
export async function verifyBundleDir(dir: string, trustedKeys: string[] = []): Promise<VerifyReport> {
  const cpText = await readFile(join(dir, BUNDLE_CHECKPOINTS_FILE), 'utf8').catch(() => null);
  const report: VerifyReport = { rows: 0, rowsOk: 0, checkpoints: 0, trustedFromBundle: false, failures: [] };
  if (cpText === null) {
    report.failures.push({ row: null, check: 'format', message: `${BUNDLE_CHECKPOINTS_FILE} is missing` });
    return report;
  }
  let cpJson: unknown;
  try {
    cpJson = JSON.parse(cpText);
  } catch (e) {
    report.failures.push({
      row: null,
      check: 'format',
      message: `${BUNDLE_CHECKPOINTS_FILE}: ${(e as Error).message}`,
    });
    return report;
  }
  let keys = trustedKeys;
  if (keys.length === 0) {
    const k = (cpJson as { verifierKey?: unknown }).verifierKey;
    keys = typeof k === 'string' ? [k] : [];
    report.trustedFromBundle = true;
  }
  const v = new BundleVerifier(cpJson, keys);
  report.checkpoints = v.checkpoints?.checkpoints.length ?? 0;
  const lines = createInterface({ input: createReadStream(join(dir, 'pages.jsonl')), crlfDelay: Infinity });
  const root = normalize(dir) + sep;
  for await (const line of lines) {
    if (!line.trim()) continue;
    report.rows++;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      v.failures.push({ row: report.rows, check: 'format', message: `not JSON: ${(e as Error).message}` });
      continue;
    }
    const blobPath = (row as { blobPath?: unknown }).blobPath;
    const file = typeof blobPath === 'string' ? normalize(join(dir, blobPath)) : null;
    // A row must not point outside the bundle (a tampered blobPath could read any file).
    const body = file?.startsWith(root) ? readBlob(file) : null;
    if (v.verifyRow(report.rows, row, body)) report.rowsOk++;
  }
  report.failures = v.failures;
  return report;
}

/**
 * Reads one blob synchronously. Blobs are small and read one per row, so an async read costs a
 * thread-pool round trip per row and left the verifier idle half the time (docs/BENCHMARKS.md);
 * this is a CLI verifier with nothing else to serve meanwhile. A missing or unreadable blob is
 * null, which verifyRow reports.
 */
function readBlob(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}
