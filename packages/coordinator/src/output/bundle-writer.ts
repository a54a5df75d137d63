import {
  anchorRefSchema,
  BUNDLE_BODIES_FILE,
  BUNDLE_CHECKPOINTS_FILE,
  BUNDLE_FORMAT,
  type BundleCheckpoints,
  type DocumentListing,
  documentRow,
  jsonFileText,
  jsonLine,
  type PageListing,
  pageRow,
  type SkipListing,
  skippedRow,
} from '@sward/core';
import { DocumentFilter, type DocumentFilters } from './document-filter.js';

/** How `sward crawl` filters documents (document-filter.ts); part of the manifest's parameters. */
export type { DocumentFilters } from './document-filter.js';

/**
 * The output options as the manifest records them (every default filled in, so one bundle has one text).
 * `warc`: the folder also holds pages.warc.gz, which the manifest does not list (record ids and dates are
 * not reproducible), so `sward verify` reports it as not checked rather than as an extra file.
 */
export function outputParameters(f: DocumentFilters & { warc?: boolean }): Record<string, unknown> {
  return {
    lang: [...new Set((f.lang ?? []).map((l) => l.toLowerCase()))].sort(),
    quality: f.quality ?? 'none',
    dedupThreshold: f.dedupThreshold ?? 0.8,
    warc: f.warc ?? false,
  };
}

/** Where a bundle's data comes from: the HTTP API for `sward crawl`, the store for the coordinator. */
export interface BundleSource {
  pages(): AsyncIterable<PageListing>;
  inclusionProofs(size: number, indices: number[]): Promise<Record<number, string[]>>;
  skipped(): AsyncIterable<SkipListing>;
  compliance(): Promise<unknown>;
  documents(): AsyncIterable<DocumentListing>;
  checkpoints(): Promise<{ size: number; note: string; hash: string; anchor: unknown }[]>;
  consistencyProof(from: number, to: number): Promise<string[]>;
  logKey(): Promise<string>;
  /** Entries `from`..`to` of a file anchor chain, or null when the coordinator does not hold that chain. */
  anchorChain(chain: string, from: number, to: number): Promise<unknown[] | null>;
}

/** Where the files go: written to disk by the CLI, only hashed by the coordinator. */
export interface BundleSink {
  text(path: string): { write(text: string): Promise<void>; close(): Promise<void> };
  /**
   * The pack of bodies (bundle format 2): `add` appends a page's body, named by its signed hash and
   * length, once per distinct body, in the order the rows first use them; rows point at it by offset.
   */
  bodies(path: string): { add(sha256: string, size: number): Promise<void>; close(): Promise<void> };
  /** Called for each page row in order, e.g. to add it to a WARC file. */
  page?(row: PageListing): Promise<void>;
}

/** Page rows held at once: their inclusion proofs are asked for together, then the rows are written. */
const PROOF_BATCH = 200;

export interface BundleCounts {
  pages: number;
  documents: number;
  dropped: { quality: number; duplicate: number; language: number };
  skipped: number;
  failed: number;
}

/**
 * Produces every file of a sealed job's output folder into `sink`, the same bytes wherever it runs:
 * pages.jsonl (log order, with inclusion proofs against `checkpointSize`), bodies.pack, provenance/checkpoints.json,
 * skipped.jsonl (each row with its evidence), compliance.json, documents.jsonl and documents-dropped.jsonl.
 */
export async function produceBundle(
  src: BundleSource,
  checkpointSize: number,
  filters: DocumentFilters,
  sink: BundleSink,
): Promise<BundleCounts> {
  const counts: BundleCounts = {
    pages: 0,
    documents: 0,
    dropped: { quality: 0, duplicate: 0, language: 0 },
    skipped: 0,
    failed: 0,
  };
  const pages = sink.text('pages.jsonl');
  const pack = sink.bodies(BUNDLE_BODIES_FILE);
  /** Each distinct body's offset in the pack, and the pack's size so far. */
  const offsets = new Map<string, number>();
  let packSize = 0;
  let minLeaf = Number.POSITIVE_INFINITY;
  let lastLeaf = -1;
  const batch: PageListing[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const proofs = await src.inclusionProofs(
      checkpointSize,
      batch.map((p) => p.leafIndex as number),
    );
    for (const p of batch) {
      let offset = offsets.get(p.bodySha256);
      if (offset === undefined) {
        offset = packSize;
        offsets.set(p.bodySha256, offset);
        await pack.add(p.bodySha256, p.bodyLength);
        packSize += p.bodyLength;
      }
      await pages.write(jsonLine(pageRow(p, checkpointSize, proofs[p.leafIndex as number] ?? [], offset)));
      await sink.page?.(p);
      counts.pages++;
    }
    batch.length = 0;
  };
  for await (const p of src.pages()) {
    if (p.leafIndex === null) throw new Error(`capture ${p.captureId} has no log leaf after sealing`);
    // The bundle's rows must be in log order (sward verify checks it): refuse to write one that is not.
    if (p.leafIndex <= lastLeaf)
      throw new Error(
        `capture ${p.captureId} (leaf ${p.leafIndex}) is listed after leaf ${lastLeaf}: pages are out of log order`,
      );
    if (p.leafIndex >= checkpointSize)
      throw new Error(
        `capture ${p.captureId} (leaf ${p.leafIndex}) is not covered by checkpoint ${checkpointSize}`,
      );
    lastLeaf = p.leafIndex;
    minLeaf = Math.min(minLeaf, p.leafIndex);
    batch.push(p);
    if (batch.length >= PROOF_BATCH) await flush();
  }
  await flush();
  await pages.close();
  await pack.close();
  const cps = sink.text(BUNDLE_CHECKPOINTS_FILE);
  await cps.write(
    jsonFileText(await checkpointsFile(src, Number.isFinite(minLeaf) ? minLeaf : 0, checkpointSize)),
  );
  await cps.close();
  const skipped = sink.text('skipped.jsonl');
  for await (const s of src.skipped()) {
    await skipped.write(jsonLine(skippedRow(s)));
    if (s.state === 'failed') counts.failed++;
    else counts.skipped++;
  }
  await skipped.close();
  const compliance = sink.text('compliance.json');
  await compliance.write(jsonFileText(await src.compliance()));
  await compliance.close();
  await produceDocuments(src, checkpointSize, filters, sink, counts);
  return counts;
}

/** The checkpoints from the first that covers the job's first leaf up to the sealing one, with consistency proofs. */
export async function checkpointsFile(
  src: BundleSource,
  minLeaf: number,
  sealedSize: number,
): Promise<BundleCheckpoints> {
  const all = (await src.checkpoints()).filter((c) => c.size <= sealedSize);
  const firstCovering = all.findIndex((c) => c.size > minLeaf);
  const chosen = all.slice(firstCovering < 0 ? all.length - 1 : firstCovering);
  const consistency: BundleCheckpoints['consistency'] = [];
  for (let i = 1; i < chosen.length; i++) {
    const from = chosen[i - 1]?.size as number;
    const to = chosen[i]?.size as number;
    consistency.push({ from, to, proof: await src.consistencyProof(from, to) });
  }
  const verifierKey = await src.logKey();
  const anchorChains = await fetchAnchorChains(
    src,
    chosen.map((c) => c.anchor),
  );
  return {
    bundleFormat: BUNDLE_FORMAT,
    origin: verifierKey.split('+')[0] as string,
    verifierKey,
    checkpoints: chosen.map((c) => ({ size: c.size, note: c.note, hash: c.hash, anchor: c.anchor })),
    consistency,
    ...(anchorChains.length ? { anchorChains } : {}),
  };
}

/**
 * The file anchor chains the checkpoints' anchors are entries of, from the first such entry to the
 * last, as far as the coordinator holds them: a chain written by another coordinator sharing the
 * database is not on this one, and `sward verify` reports those anchors as not checked link by link.
 */
async function fetchAnchorChains(
  src: BundleSource,
  anchors: readonly unknown[],
): Promise<NonNullable<BundleCheckpoints['anchorChains']>> {
  const ranges = new Map<string, { from: number; to: number }>();
  for (const a of anchors) {
    const parsed = anchorRefSchema.safeParse(a);
    if (!parsed.success || parsed.data.kind !== 'file' || parsed.data.chain === undefined) continue;
    const { chain, seq } = parsed.data;
    const r = ranges.get(chain);
    ranges.set(chain, r ? { from: Math.min(r.from, seq), to: Math.max(r.to, seq) } : { from: seq, to: seq });
  }
  const out: NonNullable<BundleCheckpoints['anchorChains']> = [];
  for (const [chain, { from, to }] of ranges) {
    const entries = await src.anchorChain(chain, from, to);
    if (entries) out.push({ chain, entries: entries as never });
  }
  return out;
}

/**
 * documents.jsonl: one row per kept document, after the language filter, the quality preset and
 * crawl-wide deduplication (exact and MinHash near-duplicates), in that order. Every dropped document
 * goes to documents-dropped.jsonl with why, and for duplicates which kept document it duplicates.
 */
async function produceDocuments(
  src: BundleSource,
  checkpointSize: number,
  f: DocumentFilters,
  sink: BundleSink,
  counts: BundleCounts,
): Promise<void> {
  const kept = sink.text('documents.jsonl');
  const droppedOut = sink.text('documents-dropped.jsonl');
  const filter = new DocumentFilter(f);
  for await (const row of src.documents()) {
    const verdict = filter.judge(row.captureId, row.document);
    if (!verdict.keep) {
      counts.dropped[verdict.why]++;
      await droppedOut.write(
        jsonLine({
          captureId: row.captureId,
          url: row.document.url,
          dropped: verdict.why,
          ...verdict.detail,
        }),
      );
      continue;
    }
    await kept.write(jsonLine(documentRow(row, checkpointSize)));
    counts.documents++;
  }
  await kept.close();
  await droppedOut.close();
}
