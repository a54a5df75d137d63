import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type BundleFailure,
  type BundleManifest,
  DATASET_COLUMNS,
  DATASET_CROISSANT_FILE,
  DATASET_DATA_DIR,
  DATASET_MANIFEST_KIND,
  type RowRights,
  rowRights,
} from '@sward/core';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { CheckLine } from './verify-report.js';

/** What a Parquet row must agree with: its capture's row in pages.jsonl, read from the signed capture. */
interface CaptureFacts {
  leafIndex: number;
  url: string;
  finalUrl: string;
  fetchedAt: string;
  bodySha256: string;
  rights: RowRights | null;
}

/** True when the folder is a dataset build: its manifest says so, or it has shards or croissant.json. */
export function isDatasetDir(dir: string, manifest: BundleManifest | null): boolean {
  return (
    manifest?.parameters.output.kind === DATASET_MANIFEST_KIND ||
    existsSync(join(dir, DATASET_CROISSANT_FILE)) ||
    existsSync(join(dir, DATASET_DATA_DIR))
  );
}

/**
 * The captures of pages.jsonl by id, with what the node signed (url, time, body hash) and the rights its
 * receipt records (the receipt is in the log leaf, so the rows check binds it to the checkpoint): the row's
 * own `usage` field is not read, a forged one would change nothing here.
 */
async function captureFacts(dir: string): Promise<Map<string, CaptureFacts>> {
  const out = new Map<string, CaptureFacts>();
  if (!existsSync(join(dir, 'pages.jsonl'))) return out;
  const lines = createInterface({ input: createReadStream(join(dir, 'pages.jsonl')), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    try {
      const r = JSON.parse(line) as {
        captureId: string;
        signedCapture: {
          capture?: {
            requestedUrl?: string;
            url?: string;
            finalUrl?: string;
            fetchedAt?: string;
            bodySha256?: string;
          };
        };
        provenance: { leafIndex: number };
        url: string;
        finalUrl: string;
        fetchedAt: string;
        bodySha256: string;
      };
      out.set(r.captureId, {
        leafIndex: r.provenance.leafIndex,
        url: r.url,
        finalUrl: r.finalUrl,
        fetchedAt: r.fetchedAt,
        bodySha256: r.bodySha256,
        rights: rowRights(r.signedCapture),
      });
    } catch {
      // the rows check reports a row that does not parse
    }
  }
  return out;
}

const sha256File = async (path: string) => {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
};

/** The shards under data/, in name order. */
const shardPaths = (dir: string) => {
  try {
    return readdirSync(join(dir, DATASET_DATA_DIR))
      .filter((n) => n.endsWith('.parquet'))
      .sort()
      .map((n) => `${DATASET_DATA_DIR}/${n}`);
  } catch {
    return [];
  }
};

/**
 * A dataset folder's own checks, beside the proof bundle's: every Parquet row names a capture of pages.jsonl
 * (whose signature and inclusion the rows check verifies) and agrees with it on leaf, URLs, time and body
 * hash, and its licence and purposes are the ones the capture's rights receipt records; no capture twice;
 * every row allowed for the build's purpose; croissant.json's SHA-256 of each shard is the shard's.
 * A row's text is bound by the signed manifest's hash of its shard (and `--rederive` of its capture's body).
 */
export async function datasetChecks(
  dir: string,
  manifest: BundleManifest | null,
): Promise<{ lines: CheckLine[]; failures: BundleFailure[] }> {
  const failures: BundleFailure[] = [];
  const fail = (message: string) => failures.push({ row: null, check: 'dataset', message });
  const facts = await captureFacts(dir);
  const purpose = manifest?.parameters.output.purpose;
  const seen = new Set<string>();
  let rows = 0;
  const shards = shardPaths(dir);
  for (const path of shards) {
    let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
    let groups: { num_rows: bigint }[];
    try {
      file = await asyncBufferFromFile(join(dir, path));
      groups = (await parquetMetadataAsync(file)).row_groups;
    } catch (e) {
      fail(`${path}: not a Parquet file (${(e as Error).message})`);
      continue;
    }
    let start = 0;
    for (const g of groups) {
      const end = start + Number(g.num_rows);
      // One row group at a time: a 256 MB shard is never read whole.
      const objs = (await parquetReadObjects({ file, rowStart: start, rowEnd: end })) as Record<
        string,
        unknown
      >[];
      for (const [i, o] of objs.entries()) {
        rows++;
        const at = `${path} row ${start + i}`;
        const id = String(o.capture_id);
        const f = facts.get(id);
        if (!f) {
          fail(`${at}: capture ${id} is not in pages.jsonl (a row from another dataset, or made up)`);
          continue;
        }
        if (seen.has(id)) fail(`${at}: capture ${id} appears twice`);
        seen.add(id);
        const want: Record<string, unknown> = {
          leaf_index: f.leafIndex,
          url: f.url,
          final_url: f.finalUrl,
          fetched_at: f.fetchedAt,
          body_sha256: f.bodySha256,
          license: f.rights?.license,
          allowed_purposes: f.rights?.allowedPurposes,
          usage_reasons: f.rights?.usageReasons,
        };
        for (const [col, v] of Object.entries(want)) {
          const got = col === 'leaf_index' ? Number(o[col]) : o[col];
          if (got !== v)
            fail(
              `${at}: ${col} is ${JSON.stringify(got)}, but capture ${id}'s signed record says ${JSON.stringify(v)}`,
            );
        }
        if (typeof purpose === 'string' && !String(o.allowed_purposes).split(',').includes(purpose))
          fail(`${at}: capture ${id} is not allowed for ${purpose}, the purpose this dataset was built for`);
        for (const c of DATASET_COLUMNS) if (!(c in o)) fail(`${at}: column ${c} is missing`);
      }
      start = end;
    }
  }
  const croissantLine = await checkCroissant(dir, shards, fail);
  const bad = failures.length;
  return {
    failures,
    lines: [
      bad
        ? {
            check: 'dataset rows',
            status: 'failed',
            detail: `${bad} problem(s); first: ${failures[0]?.message}`,
          }
        : {
            check: 'dataset rows',
            status: 'checked',
            detail: `${rows} Parquet row(s) in ${shards.length} shard(s) each match a signed capture of pages.jsonl (leaf, URLs, time, body hash, licence and purposes from its rights receipt)${typeof purpose === 'string' ? `, all allowed for ${purpose}` : ''}`,
          },
      croissantLine,
    ],
  };
}

/** croissant.json's FileObjects: one per shard, each with the shard's SHA-256. */
async function checkCroissant(dir: string, shards: string[], fail: (m: string) => void): Promise<CheckLine> {
  const text = await readFile(join(dir, DATASET_CROISSANT_FILE), 'utf8').catch(() => null);
  if (text === null) {
    fail(`${DATASET_CROISSANT_FILE} is missing`);
    return { check: 'croissant', status: 'failed', detail: `${DATASET_CROISSANT_FILE} is missing` };
  }
  let objects: { contentUrl?: unknown; sha256?: unknown }[] = [];
  try {
    const j = JSON.parse(text) as {
      distribution?: { '@type'?: string; contentUrl?: unknown; sha256?: unknown }[];
    };
    objects = (j.distribution ?? []).filter((d) => d['@type'] === 'cr:FileObject');
  } catch (e) {
    fail(`${DATASET_CROISSANT_FILE}: ${(e as Error).message}`);
    return { check: 'croissant', status: 'failed', detail: 'not JSON' };
  }
  let n = 0;
  const listed = new Set<string>();
  for (const o of objects) {
    const path = String(o.contentUrl);
    listed.add(path);
    if (!shards.includes(path)) {
      fail(`${DATASET_CROISSANT_FILE} lists ${path}, which is not in the folder`);
      continue;
    }
    const got = await sha256File(join(dir, path));
    if (got !== o.sha256)
      fail(`${DATASET_CROISSANT_FILE} gives ${path} sha256 ${String(o.sha256)}, the file's is ${got}`);
    else n++;
  }
  for (const s of shards) if (!listed.has(s)) fail(`${s} is not in ${DATASET_CROISSANT_FILE}'s distribution`);
  return n === shards.length && n === objects.length
    ? { check: 'croissant', status: 'checked', detail: `sha256 of ${n} shard(s) match croissant.json` }
    : {
        check: 'croissant',
        status: 'failed',
        detail: 'croissant.json does not describe the shards in the folder',
      };
}
