import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUNDLE_BODIES_FILE,
  BUNDLE_CHECKPOINTS_FILE,
  BUNDLE_FORMATS_READ,
  type BundleFailure,
  BundleVerifier,
} from '@sward/core';

/** The bundle's rows (core's bundle-format.ts describes the folder). */
const BUNDLE_PAGES_FILE = 'pages.jsonl';

import { CHUNK_BYTES, planChunks } from './bundle-chunks.js';
import { type ChunkResult, type HashedFile, mergeChunks, verifyChunk } from './verify-chunk.js';
import { datasetChecks, isDatasetDir } from './verify-dataset.js';
import { DEFAULT_WORKERS, POOL_MIN_ROWS } from './verify-defaults.js';
import { checkManifest, manifestLines } from './verify-manifest.js';
import { checkAnchorsOnChain } from './verify-on-chain.js';
import { verifyInWorkers, yieldTurn } from './verify-pool.js';
import { ReceiptCheck, type ReceiptTally } from './verify-receipts.js';
import { type CheckLine, reportLines } from './verify-report.js';
import { extraChecks, type RederiveDocuments, receiptDocuments } from './verify-semantics.js';

export interface VerifyReport {
  rows: number;
  rowsOk: number;
  checkpoints: number;
  trustedFromBundle: boolean;
  failures: BundleFailure[];
  /** Worker threads started to check rows (the calling thread helps while they load); 0: none. */
  workers: number;
  /** One line per kind of check (checked, failed or not checked), then every bundle file no check reads. */
  checks: CheckLine[];
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
  /**
   * Re-extracts documents.jsonl from the stored bodies (`sward verify --rederive` passes the CLI's, which
   * runs @sward/extract); without it the report says `rederive: not checked`.
   */
  rederive?: RederiveDocuments;
  /** A Solana JSON-RPC URL: confirm each Solana anchor on chain (verify-on-chain.ts). */
  rpcUrl?: string;
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
  const report: VerifyReport = {
    rows: 0,
    rowsOk: 0,
    checkpoints: 0,
    trustedFromBundle: trustedKeys.length === 0,
    failures: [],
    workers: 0,
    checks: [],
  };
  const { v, hashed, receipts } = await checkBundle(dir, trustedKeys, options, report);
  const bundleKey = v?.checkpoints?.verifierKey;
  const manifest = await checkManifest(
    dir,
    trustedKeys.length ? trustedKeys : bundleKey ? [bundleKey] : [],
    v?.checkpoints ?? null,
    hashed,
  );
  const extra = await extraChecks(dir, options, receipts);
  // A dataset build's folder: its Parquet rows against the captures the rows check verified.
  const dataset = isDatasetDir(dir, manifest.manifest) ? await datasetChecks(dir, manifest.manifest) : null;
  report.failures.push(...manifest.failures, ...extra.failures, ...(dataset?.failures ?? []));
  const onChain = v && options.rpcUrl ? await checkOnChain(v, options.rpcUrl) : null;
  if (onChain) report.failures.push(...onChain.failures);
  report.checks = [
    ...reportLines({
      rows: report.rows,
      failures: report.failures,
      checkpoints: v?.checkpoints ?? null,
      trustedFromBundle: report.trustedFromBundle,
      // With a signed manifest every file is checked against it; without one, name what no check read.
      uncovered: manifest.manifest ? [] : uncoveredFiles(dir),
      consistency: v?.consistency ?? null,
      anchorChains: v?.anchorChains ?? null,
      anchorOrder: v?.anchorOrder ?? null,
      onChain,
    }),
    ...manifestLines(manifest, report.trustedFromBundle),
    ...extra.lines,
    ...(dataset?.lines ?? []),
  ];
  return report;
}

/**
 * Fills `report` with the rows' and checkpoints' findings; the verifier, when the checkpoints file parsed,
 * the body files the rows read and found to match their signed captures, and what the rows' rights
 * receipts showed (null when the rows were not read).
 */
async function checkBundle(
  dir: string,
  trustedKeys: string[],
  options: VerifyOptions,
  report: VerifyReport,
): Promise<{
  v: BundleVerifier | null;
  hashed: ReadonlyMap<string, HashedFile>;
  receipts: ReceiptTally | null;
}> {
  const none = { hashed: new Map<string, HashedFile>(), receipts: null };
  const cpText = await readFile(join(dir, BUNDLE_CHECKPOINTS_FILE), 'utf8').catch(() => null);
  const fail = (message: string) => report.failures.push({ row: null, check: 'format', message });
  if (!existsSync(join(dir, BUNDLE_PAGES_FILE))) fail(`${BUNDLE_PAGES_FILE} is missing`);
  if (cpText === null) {
    fail(`${BUNDLE_CHECKPOINTS_FILE} is missing`);
    return { v: null, ...none };
  }
  let cpJson: unknown;
  try {
    cpJson = JSON.parse(cpText);
  } catch (e) {
    fail(`${BUNDLE_CHECKPOINTS_FILE}: ${(e as Error).message}`);
    return { v: null, ...none };
  }
  let keys = trustedKeys;
  if (keys.length === 0) {
    const k = (cpJson as { verifierKey?: unknown }).verifierKey;
    keys = typeof k === 'string' ? [k] : [];
  }
  const v = new BundleVerifier(cpJson, keys);
  report.checkpoints = v.checkpoints?.checkpoints.length ?? 0;
  // A format this verifier does not know is not guessed at: its rows are not read.
  if (report.failures.length > 0 || !BUNDLE_FORMATS_READ.includes(v.format)) {
    report.failures.push(...v.failures);
    return { v, ...none };
  }
  // The rights receipts are checked on the rows as the rows check parses them.
  const compliance = await receiptDocuments(dir);
  const plan = planChunks(join(dir, BUNDLE_PAGES_FILE), options.chunkBytes ?? CHUNK_BYTES);
  const workers = options.workers ?? (plan.estimatedRows >= POOL_MIN_ROWS ? DEFAULT_WORKERS() : 0);
  let chunks: ChunkResult[];
  if (workers > 0) {
    const job = { dir, checkpoints: cpJson, trustedKeys: keys, compliance: compliance.documents };
    chunks = await verifyInWorkers(job, plan.ranges, workers, v);
    report.workers = workers;
  } else {
    chunks = [];
    const receipts = new ReceiptCheck(compliance.documents);
    for (const range of plan.ranges) {
      chunks.push(verifyChunk(v, dir, range, receipts));
      await yieldTurn();
    }
  }
  const rows = mergeChunks(chunks);
  report.rows = rows.rows;
  report.rowsOk = rows.rowsOk;
  report.failures = [...v.failures, ...rows.failures];
  rows.receipts?.failures.unshift(...compliance.failures);
  return { v, hashed: rows.hashed, receipts: rows.receipts };
}

/** The Solana anchors that verified offline, looked up on chain. */
function checkOnChain(v: BundleVerifier, rpcUrl: string) {
  const refs = v.anchorRefs.flatMap(({ size, ref }) => (ref.kind === 'solana' ? [{ size, ref }] : []));
  return checkAnchorsOnChain(rpcUrl, refs);
}

/** Files and folders of the bundle that no check reads: everything but the rows, bodies and checkpoints. */
function uncoveredFiles(dir: string): string[] {
  const covered = new Set([BUNDLE_PAGES_FILE, 'blobs', BUNDLE_BODIES_FILE, BUNDLE_CHECKPOINTS_FILE]);
  const list = (sub: string): string[] => {
    let names: string[];
    try {
      names = readdirSync(join(dir, sub));
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      const rel = sub ? `${sub}/${n}` : n;
      if (covered.has(rel)) return [];
      // provenance/ is covered only for its checkpoints file: anything else in it is listed.
      return rel === 'provenance' ? list(rel) : [rel];
    });
  };
  return list('').sort();
}
