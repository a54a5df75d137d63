import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type BundleSink,
  type BundleSource,
  createWarcWriter,
  type DocumentFilters,
  produceBundle,
} from '@sward/coordinator/output';
import {
  BUNDLE_MANIFEST_FILE,
  type ManifestFile,
  openBundleManifest,
  parseVerifierKey,
  sha256Hex,
} from '@sward/core';
import type { SwardClient } from '@sward/sdk';

export type { DocumentFilters } from '@sward/coordinator/output';

export interface CrawlOutputSummary {
  dir: string;
  pages: number;
  documents: number;
  dropped: { quality: number; duplicate: number; language: number };
  skipped: number;
  failed: number;
  warc: string | null;
  /** The signed manifest's path inside the folder. */
  manifest: string;
}

/** The bundle's data fetched through the HTTP API. */
function apiSource(client: SwardClient, jobId: string): BundleSource {
  return {
    pages: () => client.pages(jobId),
    inclusionProofs: (size, indices) => client.inclusionProofs(size, indices),
    skipped: () => client.skipped(jobId),
    compliance: () => client.compliance(jobId),
    documents: () => client.documents(jobId),
    checkpoints: () => client.checkpoints(0),
    consistencyProof: (from, to) => client.consistencyProof(from, to),
    logKey: () => client.logKey(),
    anchorChain: (chain, from, to) => client.anchorChain(chain, from, to),
  };
}

/** Writes each file under `dir` and keeps its SHA-256 and size, to compare with the signed manifest. */
function fileSink(client: SwardClient, dir: string): BundleSink & { files: ManifestFile[] } {
  const files: ManifestFile[] = [];
  return {
    files,
    text(path) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      const out = createWriteStream(join(dir, path));
      const h = createHash('sha256');
      let size = 0;
      return {
        async write(text) {
          const bytes = Buffer.from(text, 'utf8');
          h.update(bytes);
          size += bytes.length;
          if (!out.write(bytes)) await once(out, 'drain');
        },
        async close() {
          out.end();
          await once(out, 'finish');
          files.push({ path, sha256: h.digest('hex'), size });
        },
      };
    },
    bodies(path) {
      const out = createWriteStream(join(dir, path));
      const h = createHash('sha256');
      let size = 0;
      return {
        async add(sha256, length) {
          const body = await client.blob(sha256);
          if (sha256Hex(body) !== sha256 || body.length !== length)
            throw new Error(`the coordinator's body ${sha256} does not match its hash or length ${length}`);
          h.update(body);
          size += body.length;
          if (!out.write(body)) await once(out, 'drain');
        },
        async close() {
          out.end();
          await once(out, 'finish');
          files.push({ path, sha256: h.digest('hex'), size });
        },
      };
    },
  };
}

/**
 * Writes a finished job's output: DIR/pages.jsonl (one row per stored page with its signed capture, in
 * log order), DIR/skipped.jsonl (every skipped or failed URL with its reason and evidence),
 * DIR/compliance.json (every robots.txt and tdmrep.json answer the job's decisions rest on), documents,
 * raw bodies in DIR/bodies.pack, provenance/checkpoints.json, and provenance/manifest.note: the
 * coordinator's signed list of every file's hash, which must match the bytes written here. With `warc`,
 * DIR/pages.warc.gz too (outside the manifest: its record ids and dates are not reproducible).
 */
export async function writeCrawlOutput(
  client: SwardClient,
  jobId: string,
  dir: string,
  opts: { warc?: boolean } & DocumentFilters = {},
): Promise<CrawlOutputSummary> {
  // Seal first: every capture of the job gets its leaf and one checkpoint covers them all. A refusal leaves
  // no empty folder behind.
  const sealed = await client.seal(jobId);
  mkdirSync(dir, { recursive: true });
  const sink = fileSink(client, dir);
  const warcPath = opts.warc ? join(dir, 'pages.warc.gz') : null;
  const warc = warcPath ? createWarcWriter(warcPath, { software: 'Sward/0.1.0' }) : null;
  if (warc)
    sink.page = async (p) => {
      const cap = (p.signedCapture as { capture: { headers: Record<string, string>; ip: string } }).capture;
      await warc.writeResponse({
        url: p.finalUrl,
        fetchedAt: p.fetchedAt,
        status: p.status,
        headers: cap.headers,
        body: await client.blob(p.bodySha256),
        ip: cap.ip,
        captureId: p.captureId,
      });
    };
  const filters: DocumentFilters = {
    ...(opts.lang ? { lang: opts.lang } : {}),
    ...(opts.quality ? { quality: opts.quality } : {}),
    ...(opts.dedupThreshold !== undefined ? { dedupThreshold: opts.dedupThreshold } : {}),
  };
  const counts = await produceBundle(apiSource(client, jobId), sealed.size, filters, sink);
  await warc?.close();
  const note = await client.manifest(jobId, sealed.size, { ...filters, warc: Boolean(warc) });
  checkAgainstManifest(note, await client.logKey(), sink.files, dir);
  await writeFile(join(dir, BUNDLE_MANIFEST_FILE), note);
  return { dir, ...counts, warc: warcPath, manifest: BUNDLE_MANIFEST_FILE };
}

/**
 * The coordinator signed hashes of files it made itself; ours must be the same bytes. A difference means
 * the two sides disagree about the data (or the CLI and coordinator differ in version): say which file,
 * and leave no manifest behind that the folder would fail against.
 */
function checkAgainstManifest(note: string, logKey: string, written: ManifestFile[], dir: string): void {
  const m = openBundleManifest(note, [parseVerifierKey(logKey)]);
  const signed = new Map(m.files.map((f) => [f.path, f]));
  const problems: string[] = [];
  for (const f of written) {
    const s = signed.get(f.path);
    if (!s) problems.push(`${f.path} is not in the signed manifest`);
    else if (s.sha256 !== f.sha256 || s.size !== f.size)
      problems.push(
        `${f.path}: wrote ${f.size} bytes sha256 ${f.sha256}, the manifest signs ${s.size} bytes sha256 ${s.sha256}`,
      );
    signed.delete(f.path);
  }
  for (const path of signed.keys()) problems.push(`${path} is in the signed manifest but was not written`);
  if (problems.length) {
    rmSync(join(dir, BUNDLE_MANIFEST_FILE), { force: true });
    throw new Error(
      `the output in ${dir} does not match the coordinator's signed manifest: ${problems.join('; ')}`,
    );
  }
}
