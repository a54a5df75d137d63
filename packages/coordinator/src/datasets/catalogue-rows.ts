import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { creatorTermsOf, type ManifestFile } from '@sward/core';
import { CoordinatorError } from '../errors.js';

/** One row of a published version: what a download charges for and the next version's diff compares. */
export interface VersionRow {
  captureId: string;
  url: string;
  bodySha256: string;
  nodeId: string;
  /** The creator terms the page was captured under (from its signed receipt); null: no claimed domain. */
  terms: { domain: string; version: number } | null;
}

/**
 * The rows of a built dataset, read from its pages.jsonl (one line per Parquet row, each with its signed
 * capture), checked on the way against the SHA-256 and size the build's signed manifest gives: the terms a
 * download charges come from the signed receipts the dataset itself carries, not from anything editable.
 */
export async function readVersionRows(abs: string, signed: ManifestFile): Promise<VersionRow[]> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = createReadStream(abs);
  stream.on('data', (chunk) => {
    hash.update(chunk);
    size += chunk.length;
  });
  const rows: VersionRow[] = [];
  for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as {
      captureId: string;
      url: string;
      bodySha256: string;
      nodeId: string;
      signedCapture: unknown;
    };
    const t = creatorTermsOf(r.signedCapture);
    rows.push({
      captureId: r.captureId,
      url: r.url,
      bodySha256: r.bodySha256,
      nodeId: r.nodeId,
      terms: t ? { domain: t.domain, version: t.version } : null,
    });
  }
  if (hash.digest('hex') !== signed.sha256 || size !== signed.size)
    throw new CoordinatorError('STORAGE', `${signed.path} of the build does not match its signed manifest`);
  return rows;
}

export interface VersionChange {
  url: string;
  change: 'added' | 'removed' | 'changed';
  before: string[];
  after: string[];
}

/** The body hashes of each URL, sorted and distinct (a collection's refreshes may keep a URL several times). */
function byUrl(rows: readonly { url: string; bodySha256: string }[]): Map<string, string[]> {
  const m = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = m.get(r.url) ?? new Set<string>();
    s.add(r.bodySha256);
    m.set(r.url, s);
  }
  return new Map([...m].map(([u, s]) => [u, [...s].sort()]));
}

/**
 * What changed from one version to the next, by URL and body hash: a URL only in the new one is added, only
 * in the old one removed, in both with other bodies changed, with the same bodies unchanged. In URL order.
 */
export function diffVersions(
  before: readonly { url: string; bodySha256: string }[],
  after: readonly { url: string; bodySha256: string }[],
): { changes: VersionChange[]; unchanged: number } {
  const a = byUrl(before);
  const b = byUrl(after);
  const changes: VersionChange[] = [];
  let unchanged = 0;
  for (const url of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const was = a.get(url) ?? [];
    const is = b.get(url) ?? [];
    if (was.length === 0) changes.push({ url, change: 'added', before: [], after: is });
    else if (is.length === 0) changes.push({ url, change: 'removed', before: was, after: [] });
    else if (was.join() !== is.join()) changes.push({ url, change: 'changed', before: was, after: is });
    else unchanged++;
  }
  return { changes, unchanged };
}
