import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_CHECKPOINTS_FILE, type BundleFailure, BundleVerifier } from '@sward/core';
import { CHUNK_BYTES, planChunks } from './bundle-chunks.js';
import { type ChunkResult, mergeChunks, verifyChunk } from './verify-chunk.js';
import { DEFAULT_WORKERS, POOL_MIN_ROWS } from './verify-defaults.js';
import { verifyInWorkers, yieldTurn } from './verify-pool.js';

export interface VerifyReport {
  rows: number;
  rowsOk: number;
  checkpoints: number;
  trustedFromBundle: boolean;
  failures: BundleFailure[];
  /** Worker threads started to check rows (the calling thread helps while they load); 0: none. */
  workers: number;
}

export interface VerifyOptions {
  /**
   * Worker threads to check rows on; 0 checks them on the calling thread. Default: DEFAULT_WORKERS()
   * for a bundle of at least POOL_MIN_ROWS rows (estimated from the start of pages.jsonl), else 0.
   * The report is the same either way, failures included, in row order.
   */
  workers?: number;
  /** Size of the pieces pages.jsonl is cut into (and handed to workers); default CHUNK_BYTES. */
  chunkBytes?: number;
}

export { DEFAULT_WORKERS, POOL_MIN_ROWS } from './verify-defaults.js';

/**
 * Verifies a crawl output folder offline (see core's bundle-format.ts). With no trusted keys, the log
 * key written in the bundle is trusted and the report says so: that proves integrity, not origin.
 */
export async function verifyBundleDir(
  dir: string,
  trustedKeys: string[] = [],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const cpText = await readFile(join(dir, BUNDLE_CHECKPOINTS_FILE), 'utf8').catch(() => null);
  const report: VerifyReport = {
    rows: 0,
    rowsOk: 0,
    checkpoints: 0,
    trustedFromBundle: false,
    failures: [],
    workers: 0,
  };
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
  const plan = planChunks(join(dir, 'pages.jsonl'), options.chunkBytes ?? CHUNK_BYTES);
  const workers = options.workers ?? (plan.estimatedRows >= POOL_MIN_ROWS ? DEFAULT_WORKERS() : 0);
  let chunks: ChunkResult[];
  if (workers > 0) {
    const job = { dir, checkpoints: cpJson, trustedKeys: keys };
    chunks = await verifyInWorkers(job, plan.ranges, workers, v);
    report.workers = workers;
  } else {
    chunks = [];
    for (const range of plan.ranges) {
      chunks.push(verifyChunk(v, dir, range));
      await yieldTurn();
    }
  }
  const rows = mergeChunks(chunks);
  report.rows = rows.rows;
  report.rowsOk = rows.rowsOk;
  report.failures = [...v.failures, ...rows.failures];
  return report;
}
