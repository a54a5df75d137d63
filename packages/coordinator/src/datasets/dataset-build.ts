import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLE_BODIES_FILE,
  BUNDLE_CHECKPOINTS_FILE,
  BUNDLE_MANIFEST_FILE,
  BUNDLE_MANIFEST_TYPE,
  DATASET_CROISSANT_FILE,
  DATASET_EXCLUDED_FILE,
  DATASET_MANIFEST_KIND,
  DATASET_PROVENANCE_FILE,
  type DatasetBuildParams,
  type DatasetExclusion,
  type DatasetReport,
  durationMs,
  jsonFileText,
  jsonLine,
  type ManifestFile,
  type PageListing,
  pageRow,
  receiptDecision,
  rightsReceiptSchema,
  rowRights,
} from '@sward/core';
import { CoordinatorError } from '../errors.js';
import { type ManifestDeps, storeBundleSource } from '../output/bundle-manifest.js';
import { checkpointsFile } from '../output/bundle-writer.js';
import { DocumentFilter } from '../output/document-filter.js';
import { jobCompliance } from '../policy/compliance.js';
import type { Job } from '../store/types.js';
import { croissant } from './croissant.js';
import { datasetCard } from './dataset-card.js';
import { documentsOf, extractionPending, pagesInLogOrder, sourceJobs } from './dataset-pages.js';
import type { DatasetStats } from './dataset-stats.js';
import { DiskDedupStore } from './disk-dedup-store.js';
import { dtaProvenance } from './dta-provenance.js';
import { HashedFile, writeHashed } from './hashed-file.js';
import { PackOffsets } from './pack-offsets.js';
import type { DatasetRow } from './parquet-shards.js';

export interface BuildDeps extends ManifestDeps {
  flushLog(): Promise<void>;
  /** How long to wait for the jobs' documents still being extracted. */
  extractionWaitMs?: number;
}

export interface BuildTarget {
  id: string;
  tenant: string;
  params: DatasetBuildParams;
  dir: string;
  createdAt: string;
}

/** Pages read from the store per batch (and per documents query, per inclusion-proof pass). */
const BATCH = 500;

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
};

/** A host is selected by a domain when it is that domain or one of its subdomains. */
const inDomains = (host: string, domains: readonly string[]) =>
  domains.some((d) => host === d || host.endsWith(`.${d}`));

/** Bodies read at once from the blob store: one file read waits on the thread pool, several overlap. */
const READ_AHEAD = 16;

/** The pages' bodies by hash, each checked against the hash and length its signed capture gives. */
async function readBodies(
  blobs: BuildDeps['blobs'],
  pages: readonly PageListing[],
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const wanted = [...new Map(pages.map((p) => [p.bodySha256, p.bodyLength])).entries()];
  const got = await Promise.all(wanted.map(([sha]) => blobs.get(sha)));
  wanted.forEach(([sha, length], j) => {
    const body = got[j];
    if (!body || body.length !== length || createHash('sha256').update(body).digest('hex') !== sha)
      throw new CoordinatorError('STORAGE', `stored body ${sha} is missing or does not match its hash`);
    out.set(sha, body);
  });
  return out;
}

/**
 * Builds a dataset from finished jobs into `t.dir`: data/train-NNNNN.parquet, excluded.jsonl, README.md,
 * croissant.json, provenance/dta-provenance.json and the proof bundle (pages.jsonl with each kept row's
 * signed capture and inclusion proof, bodies.pack, provenance/checkpoints.json, compliance.json), then the
 * log key's signed manifest over every file. Pages are read in log order a batch at a time, rows written a
 * row group at a time: memory does not grow with the dataset. What does grow with it (the dedup index, one
 * entry per kept document; the pack's offset of each distinct body) is in scratch SQLite files beside the
 * folder; the licence, language and domain counts grow with distinct values, not rows.
 */
export async function buildDataset(
  deps: BuildDeps,
  t: BuildTarget,
  onProgress: (p: { pages: number; rows: number }) => Promise<void>,
): Promise<DatasetReport> {
  const { store, checkpoints } = deps;
  const params = t.params;
  const jobIds = await sourceJobs(store.db, t.tenant, params.from);
  const jobs = [];
  for (const id of jobIds) jobs.push(await store.frontier.getJobOf(t.tenant, id));
  const waitUntil = Date.now() + (deps.extractionWaitMs ?? 10 * 60_000);
  while ((await extractionPending(store.db, jobIds)) > 0) {
    if (Date.now() > waitUntil)
      throw new CoordinatorError('CONFLICT', 'the jobs still have pages waiting for extraction');
    await new Promise((r) => setTimeout(r, 200));
  }
  await deps.flushLog();
  const cp = await checkpoints.latest();
  if (!cp) throw new CoordinatorError('CONFLICT', 'the log is empty');
  for (const id of jobIds) {
    const span = await store.captures.leafSpan(id);
    if (span.unsequenced > 0 || (span.maxLeaf !== null && span.maxLeaf >= cp.size))
      throw new CoordinatorError('CONFLICT', `job ${id}: not every page is covered by checkpoint ${cp.size}`);
  }
  rmSync(t.dir, { recursive: true, force: true });
  mkdirSync(t.dir, { recursive: true });

  // The dedup index and the pack's offsets on disk beside the build's folder (not in it): memory stays
  // flat however many rows.
  const dedupIndex = new DiskDedupStore(`${t.dir}.dedup.sqlite`, DEDUP_PERMUTATIONS);
  try {
    const offsets = new PackOffsets(packOffsetsPath(t.dir));
    try {
      return await writeDataset(deps, t, { jobIds, jobs, cp }, { dedupIndex, offsets }, onProgress);
    } finally {
      offsets.close();
    }
  } finally {
    dedupIndex.close();
  }
}

/** The scratch file of a build's pack offsets, beside its folder and deleted when the build ends. */
export const packOffsetsPath = (dir: string): string => `${dir}.offsets.sqlite`;

/** Minhash permutations of the dedup index (the Deduplicator's default). */
const DEDUP_PERMUTATIONS = 128;

async function writeDataset(
  deps: BuildDeps,
  t: BuildTarget,
  { jobIds, jobs, cp }: { jobIds: string[]; jobs: (Job | undefined)[]; cp: { size: number; hash: string } },
  { dedupIndex, offsets }: { dedupIndex: DiskDedupStore; offsets: PackOffsets },
  onProgress: (p: { pages: number; rows: number }) => Promise<void>,
): Promise<DatasetReport> {
  const { store, blobs, logStore, checkpoints } = deps;
  const params = t.params;
  const size = cp.size;
  const files: ManifestFile[] = [];
  // The Parquet writer (hyparquet-writer, ~100 modules) loads with the first build, not with the coordinator.
  const { ParquetShards } = await import('./parquet-shards.js');
  const shards = new ParquetShards(t.dir, params.shardBytes);
  const pagesOut = new HashedFile(t.dir, 'pages.jsonl');
  const pack = new HashedFile(t.dir, BUNDLE_BODIES_FILE);
  const excludedOut = new HashedFile(t.dir, DATASET_EXCLUDED_FILE);
  const filter = new DocumentFilter(
    { lang: params.lang ?? [], quality: params.quality, dedupThreshold: params.dedup },
    dedupIndex,
  );
  const excluded: Record<DatasetExclusion, number> = {
    purpose: 0,
    'no-document': 0,
    language: 0,
    quality: 0,
    duplicate: 0,
  };
  const licenses: Record<string, number> = {};
  const languages: Record<string, number> = {};
  const domains: Record<string, number> = {};
  let packSize = 0;
  let notSelected = 0;
  let rows = 0;
  let pagesRead = 0;
  let minLeaf = Number.POSITIVE_INFINITY;
  let fetchedFrom: string | null = null;
  let fetchedTo: string | null = null;
  // --since and --max-age (relative to the build's start) both bound the capture time; the later wins.
  const bounds = [
    params.since ? Date.parse(params.since) : null,
    params.maxAge ? Date.parse(t.createdAt) - (durationMs(params.maxAge) ?? 0) : null,
  ].filter((b): b is number => b !== null);
  const since = bounds.length ? Math.max(...bounds) : null;
  let fromArchive = 0;

  const exclude = async (p: PageListing, why: DatasetExclusion, detail: Record<string, unknown>) => {
    excluded[why]++;
    await excludedOut.write(
      jsonLine({ captureId: p.captureId, url: p.finalUrl, leafIndex: p.leafIndex, excluded: why, ...detail }),
    );
  };

  let bodies = new Map<string, Buffer>();
  for await (const batch of pagesInLogOrder(deps, jobIds, BATCH)) {
    const docs = await documentsOf(
      store.db,
      batch.map((p) => p.captureId),
    );
    const kept: { p: PageListing; row: DatasetRow }[] = [];
    for (const p of batch) {
      pagesRead++;
      const host = hostOf(p.finalUrl);
      if (
        (since !== null && Date.parse(p.fetchedAt) < since) ||
        (params.domains?.length && !inDomains(host, params.domains))
      ) {
        notSelected++;
        continue;
      }
      const rights = rowRights(p.signedCapture);
      const receipt = rightsReceiptSchema.safeParse((p.signedCapture as { rights?: unknown }).rights);
      const decision = receipt.success ? receiptDecision(receipt.data, params.purpose) : null;
      if (!rights || !decision || decision.decision !== 'allow') {
        await exclude(p, 'purpose', {
          purpose: params.purpose,
          decision: decision?.decision ?? null,
          reason: decision?.reason ?? 'no rights receipt: captured before receipts, nothing is known',
        });
        continue;
      }
      const doc = docs.get(p.captureId);
      if (!doc) {
        await exclude(p, 'no-document', { reason: 'no document was extracted from this page' });
        continue;
      }
      const verdict = filter.judge(p.captureId, doc);
      if (!verdict.keep) {
        await exclude(p, verdict.why, verdict.detail);
        continue;
      }
      const language = typeof doc.language === 'string' ? doc.language : '';
      kept.push({
        p,
        row: {
          text: String(doc.text ?? ''),
          markdown: String(doc.markdown ?? ''),
          url: p.url,
          final_url: p.finalUrl,
          domain: host,
          title: typeof doc.title === 'string' ? doc.title : '',
          language,
          fetched_at: p.fetchedAt,
          license: rights.license,
          allowed_purposes: rights.allowedPurposes,
          usage_reasons: rights.usageReasons,
          capture_id: p.captureId,
          body_sha256: p.bodySha256,
          leaf_index: p.leafIndex as number,
        },
      });
      licenses[rights.license] = (licenses[rights.license] ?? 0) + 1;
      if (language) languages[language] = (languages[language] ?? 0) + 1;
      domains[host] = (domains[host] ?? 0) + 1;
      if (fetchedFrom === null || p.fetchedAt < fetchedFrom) fetchedFrom = p.fetchedAt;
      if (fetchedTo === null || p.fetchedAt > fetchedTo) fetchedTo = p.fetchedAt;
    }
    // Rows whose job took the page from the archive rather than fetching it (archive reuse, --max-age).
    const reused = await store.archive.reusedAmong(
      jobIds,
      kept.map((k) => k.p.captureId),
    );
    for (const [i, { p, row }] of kept.entries()) {
      // Bodies are read READ_AHEAD at a time, so at most that many are in memory.
      if (i % READ_AHEAD === 0)
        bodies = await readBodies(
          blobs,
          kept
            .slice(i, i + READ_AHEAD)
            .map((k) => k.p)
            .filter((k) => offsets.get(k.bodySha256) === undefined),
        );
      const leaf = p.leafIndex as number;
      minLeaf = Math.min(minLeaf, leaf);
      let offset = offsets.get(p.bodySha256);
      if (offset === undefined) {
        const body = bodies.get(p.bodySha256) as Buffer;
        offset = packSize;
        offsets.set(p.bodySha256, offset);
        await pack.write(body);
        packSize += body.length;
      }
      const proof = (await logStore.inclusionProof(leaf, size)).map((h) => h.toString('base64'));
      await pagesOut.write(jsonLine(pageRow(p, size, proof, offset)));
      shards.add(row);
      rows++;
      if (reused.has(p.captureId)) fromArchive++;
    }
    await onProgress({ pages: pagesRead, rows });
  }
  shards.close();
  files.push(...shards.files, await pagesOut.close(), await pack.close(), await excludedOut.close());
  const src = storeBundleSource(deps, jobIds[0] as string);
  files.push(
    await writeHashed(
      t.dir,
      BUNDLE_CHECKPOINTS_FILE,
      jsonFileText(await checkpointsFile(src, Number.isFinite(minLeaf) ? minLeaf : 0, size)),
    ),
  );
  // The policy documents the rows' receipts name, from every job (one entry per document).
  const seen = new Set<string>();
  const documents = [];
  for (const id of jobIds)
    for (const d of (await jobCompliance(store, id)).documents) {
      const key = JSON.stringify([d.url, d.captureId]);
      if (seen.has(key)) continue;
      seen.add(key);
      documents.push(d);
    }
  files.push(await writeHashed(t.dir, 'compliance.json', jsonFileText({ jobIds, documents })));
  const report: DatasetReport = {
    rows,
    shards: shards.files.length,
    parquetBytes: shards.files.reduce((n, f) => n + f.size, 0),
    excluded,
    notSelected,
    licenses,
    checkpointSize: size,
    fromArchive,
    fetched: rows - fromArchive,
  };
  const stats: DatasetStats = {
    id: t.id,
    name: params.name ?? `sward-dataset-${t.id}`,
    params,
    report,
    languages,
    domains,
    fetchedFrom,
    fetchedTo,
    shards: shards.files,
    issuer: checkpoints.verifierKey.split('+')[0] as string,
    createdAt: t.createdAt,
  };
  files.push(
    await writeHashed(t.dir, 'README.md', datasetCard(stats)),
    await writeHashed(t.dir, DATASET_CROISSANT_FILE, jsonFileText(croissant(stats))),
    await writeHashed(t.dir, DATASET_PROVENANCE_FILE, jsonFileText(dtaProvenance(stats))),
  );
  const note = checkpoints.signManifest({
    type: BUNDLE_MANIFEST_TYPE,
    jobId: t.id,
    parameters: {
      job: { from: params.from, jobs: jobs.map((j) => ({ id: j?.id, options: { ...j?.options } })) },
      output: { kind: DATASET_MANIFEST_KIND, ...params },
    },
    checkpoint: { size: cp.size, hash: cp.hash },
    files,
  });
  writeFileSync(join(t.dir, BUNDLE_MANIFEST_FILE), note);
  return report;
}
