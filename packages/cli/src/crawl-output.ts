import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createWarcWriter } from '@sward/coordinator';
import { anchorRefSchema, BUNDLE_CHECKPOINTS_FILE, type BundleCheckpoints } from '@sward/core';
import { applyQualityPreset, Deduplicator, type QualityPreset, type QualitySignals } from '@sward/extract';
import type { PageRow, SwardClient } from '@sward/sdk';

export interface DocumentFilters {
  /** ISO 639-1 codes to keep; empty keeps every language. */
  lang?: string[];
  quality?: QualityPreset;
  /** Near-duplicate Jaccard threshold (MinHash LSH over word 5-grams). */
  dedupThreshold?: number;
}

export interface CrawlOutputSummary {
  dir: string;
  pages: number;
  documents: number;
  dropped: { quality: number; duplicate: number; language: number };
  skipped: number;
  failed: number;
  warc: string | null;
}

/** A JSONL file written line by line, honouring back-pressure. */
function jsonlWriter(path: string) {
  const out = createWriteStream(path);
  return {
    async write(row: unknown) {
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    },
    async close() {
      out.end();
      await once(out, 'finish');
    },
  };
}

/**
 * Writes a finished job's output: DIR/pages.jsonl (one row per stored page with its signed capture, in
 * log order), DIR/skipped.jsonl (every skipped or failed URL with its reason), DIR/compliance.json (every
 * robots.txt and tdmrep.json answer the job's decisions rest on), raw bodies under DIR/blobs/, and with
 * `warc` a WARC 1.1 file of the responses.
 */
export async function writeCrawlOutput(
  client: SwardClient,
  jobId: string,
  dir: string,
  opts: { warc?: boolean } & DocumentFilters = {},
): Promise<CrawlOutputSummary> {
  mkdirSync(dir, { recursive: true });
  const pages = jsonlWriter(join(dir, 'pages.jsonl'));
  const warcPath = opts.warc ? join(dir, 'pages.warc.gz') : null;
  const warc = warcPath ? createWarcWriter(warcPath, { software: 'Sward/0.1.0' }) : null;
  // Seal first: every capture of the job gets its leaf and one checkpoint covers them all.
  const sealed = await client.seal(jobId);
  let nPages = 0;
  let minLeaf = Number.POSITIVE_INFINITY;
  let lastLeaf = -1;
  const batch: PageRow[] = [];
  const flush = async () => {
    const proofs = await client.inclusionProofs(
      sealed.size,
      batch.map((p) => p.leafIndex as number),
    );
    for (const p of batch) await writePage(p, proofs[p.leafIndex as number] ?? []);
    batch.length = 0;
  };
  const writePage = async (p: PageRow, inclusionProof: string[]) => {
    const body = await client.blob(p.bodySha256);
    const blobFile = join(dir, 'blobs', p.blobPath);
    await mkdir(dirname(blobFile), { recursive: true });
    await writeFile(blobFile, body);
    await pages.write({
      url: p.url,
      finalUrl: p.finalUrl,
      fetchedAt: p.fetchedAt,
      status: p.status,
      contentType: p.contentType,
      bodySha256: p.bodySha256,
      bodyLength: p.bodyLength,
      blobPath: join('blobs', p.blobPath),
      captureId: p.captureId,
      nodeId: p.nodeId,
      leafIndex: p.leafIndex,
      signedCapture: p.signedCapture,
      provenance: { leafIndex: p.leafIndex, checkpointSize: sealed.size, inclusionProof },
    });
    if (warc) {
      const cap = p.signedCapture.capture as { headers: Record<string, string>; ip: string };
      await warc.writeResponse({
        url: p.finalUrl,
        fetchedAt: p.fetchedAt,
        status: p.status,
        headers: cap.headers,
        body,
        ip: cap.ip,
        captureId: p.captureId,
      });
    }
    nPages++;
  };
  for await (const p of client.pages(jobId)) {
    if (p.leafIndex === null) throw new Error(`capture ${p.captureId} has no log leaf after sealing`);
    // The bundle's rows must be in log order (sward verify checks it): refuse to write one that is not.
    if (p.leafIndex <= lastLeaf)
      throw new Error(
        `the coordinator listed capture ${p.captureId} (leaf ${p.leafIndex}) after leaf ${lastLeaf}: pages are out of log order`,
      );
    lastLeaf = p.leafIndex;
    minLeaf = Math.min(minLeaf, p.leafIndex);
    batch.push(p);
    if (batch.length >= 1000) await flush();
  }
  await flush();
  await pages.close();
  await writeCheckpoints(client, dir, Number.isFinite(minLeaf) ? minLeaf : 0, sealed.size);
  await warc?.close();
  const skipped = jsonlWriter(join(dir, 'skipped.jsonl'));
  let nSkipped = 0;
  let nFailed = 0;
  for await (const s of client.skipped(jobId)) {
    await skipped.write({
      url: s.url,
      state: s.state,
      reason: s.reason,
      detail: s.detail,
      captureId: s.captureId,
    });
    if (s.state === 'failed') nFailed++;
    else nSkipped++;
  }
  await skipped.close();
  // After sealing, so every policy answer's capture has its leaf.
  const compliance = await client.compliance(jobId);
  await writeFile(join(dir, 'compliance.json'), `${JSON.stringify(compliance, null, 2)}\n`);
  const docs = await writeDocuments(client, jobId, dir, sealed.size, opts);
  return { dir, pages: nPages, skipped: nSkipped, failed: nFailed, warc: warcPath, ...docs };
}

/** The checkpoints from the first that covers the job's first leaf up to the sealing one, with consistency proofs. */
async function writeCheckpoints(
  client: SwardClient,
  dir: string,
  minLeaf: number,
  sealedSize: number,
): Promise<void> {
  const all = (await client.checkpoints(0)).filter((c) => c.size <= sealedSize);
  const firstCovering = all.findIndex((c) => c.size > minLeaf);
  const chosen = all.slice(firstCovering < 0 ? all.length - 1 : firstCovering);
  const consistency: BundleCheckpoints['consistency'] = [];
  for (let i = 1; i < chosen.length; i++) {
    const from = chosen[i - 1]?.size as number;
    const to = chosen[i]?.size as number;
    consistency.push({ from, to, proof: await client.consistencyProof(from, to) });
  }
  const verifierKey = await client.logKey();
  const anchorChains = await fetchAnchorChains(
    client,
    chosen.map((c) => c.anchor),
  );
  const bundle: BundleCheckpoints = {
    origin: verifierKey.split('+')[0] as string,
    verifierKey,
    checkpoints: chosen.map((c) => ({ size: c.size, note: c.note, hash: c.hash, anchor: c.anchor })),
    consistency,
    ...(anchorChains.length ? { anchorChains } : {}),
  };
  await mkdir(join(dir, dirname(BUNDLE_CHECKPOINTS_FILE)), { recursive: true });
  await writeFile(join(dir, BUNDLE_CHECKPOINTS_FILE), `${JSON.stringify(bundle, null, 2)}\n`);
}

/**
 * The file anchor chains the checkpoints' anchors are entries of, from the first such entry to the
 * last, as far as the coordinator holds them: a chain written by another coordinator sharing the
 * database is not on this one, and `sward verify` reports those anchors as not checked link by link.
 */
async function fetchAnchorChains(
  client: SwardClient,
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
    const entries = await client.anchorChain(chain, from, to);
    if (entries) out.push({ chain, entries });
  }
  return out;
}

/**
 * DIR/documents.jsonl: one row per kept document, after the language filter, the quality preset and
 * crawl-wide deduplication (exact and MinHash near-duplicates), in that order. Every dropped document
 * goes to DIR/documents-dropped.jsonl with why, and for duplicates which kept document it duplicates.
 */
async function writeDocuments(
  client: SwardClient,
  jobId: string,
  dir: string,
  checkpointSize: number,
  f: DocumentFilters,
): Promise<{ documents: number; dropped: CrawlOutputSummary['dropped'] }> {
  const kept = jsonlWriter(join(dir, 'documents.jsonl'));
  const droppedOut = jsonlWriter(join(dir, 'documents-dropped.jsonl'));
  const dedup = new Deduplicator({ threshold: f.dedupThreshold ?? 0.8 });
  const dropped = { quality: 0, duplicate: 0, language: 0 };
  const lang = new Set((f.lang ?? []).map((l) => l.toLowerCase()));
  let n = 0;
  for await (const row of client.documents(jobId)) {
    const doc = row.document;
    const base = { captureId: row.captureId, url: doc.url };
    if (lang.size && !lang.has(String(doc.language ?? ''))) {
      dropped.language++;
      await droppedOut.write({ ...base, dropped: 'language', language: doc.language });
      continue;
    }
    const verdict = applyQualityPreset(doc.quality as QualitySignals, f.quality ?? 'none');
    if (!verdict.pass || !doc.text) {
      dropped.quality++;
      await droppedOut.write({
        ...base,
        dropped: 'quality',
        reasons: doc.text ? verdict.reasons : [doc.reason ?? 'empty'],
      });
      continue;
    }
    const d = dedup.check(row.captureId, doc.text);
    if (d.duplicate) {
      dropped.duplicate++;
      await droppedOut.write({
        ...base,
        dropped: 'duplicate',
        kind: d.kind,
        of: d.of,
        similarity: d.similarity,
      });
      continue;
    }
    const { qualityVerdict: _v, ...fields } = doc;
    await kept.write({
      captureId: row.captureId,
      ...fields,
      provenance: { leafIndex: row.leafIndex, checkpointSize },
    });
    n++;
  }
  await kept.close();
  await droppedOut.close();
  return { documents: n, dropped };
}
