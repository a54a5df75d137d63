import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createWarcWriter } from '@sward/coordinator';
import { BUNDLE_CHECKPOINTS_FILE, type BundleCheckpoints } from '@sward/core';
import type { PageRow, SwardClient } from '@sward/sdk';

export interface CrawlOutputSummary {
  dir: string;
  pages: number;
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
 * Writes a finished job's output: DIR/pages.jsonl (one row per stored page with its signed capture),
 * DIR/skipped.jsonl (every skipped or failed URL with its reason), raw bodies under DIR/blobs/, and with
 * `warc` a WARC 1.1 file of the responses.
 */
export async function writeCrawlOutput(
  client: SwardClient,
  jobId: string,
  dir: string,
  opts: { warc?: boolean } = {},
): Promise<CrawlOutputSummary> {
  mkdirSync(dir, { recursive: true });
  const pages = jsonlWriter(join(dir, 'pages.jsonl'));
  const warcPath = opts.warc ? join(dir, 'pages.warc.gz') : null;
  const warc = warcPath ? createWarcWriter(warcPath, { software: 'Sward/0.1.0' }) : null;
  // Seal first: every capture of the job gets its leaf and one checkpoint covers them all.
  const sealed = await client.seal(jobId);
  let nPages = 0;
  let minLeaf = Number.POSITIVE_INFINITY;
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
  return { dir, pages: nPages, skipped: nSkipped, failed: nFailed, warc: warcPath };
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
  const bundle: BundleCheckpoints = {
    origin: verifierKey.split('+')[0] as string,
    verifierKey,
    checkpoints: chosen.map((c) => ({ size: c.size, note: c.note, hash: c.hash, anchor: c.anchor })),
    consistency,
  };
  await mkdir(join(dir, dirname(BUNDLE_CHECKPOINTS_FILE)), { recursive: true });
  await writeFile(join(dir, BUNDLE_CHECKPOINTS_FILE), `${JSON.stringify(bundle, null, 2)}\n`);
}
