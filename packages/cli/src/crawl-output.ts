import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createWarcWriter } from '@sward/coordinator';
import type { SwardClient } from '@sward/sdk';

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
  let nPages = 0;
  for await (const p of client.pages(jobId)) {
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
  }
  await pages.close();
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
