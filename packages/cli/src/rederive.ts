import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BUNDLE_MANIFEST_FILE,
  bundleManifestSchema,
  documentRow,
  jsonLine,
  keepPiiSchema,
  type PageUsage,
  parseNote,
  usageOf,
} from '@sward/core';
import { decodeHtml, EXTRACTOR, extract, type PiiOption, redactionFromKeep } from '@sward/extract';
import type { RederiveResult } from '@sward/sdk';

interface PageRef {
  blobPath: string;
  /** Format 2: the body is bodyLength bytes at this offset of blobPath (the pack). */
  bodyOffset: number | null;
  bodyLength: number;
  bodySha256: string;
  finalUrl: string;
  contentType: string | undefined;
  /** The per-purpose decisions of its signed leaf's receipt, which the documents row repeats. */
  usage: PageUsage | null;
}

/**
 * A page's body: its file (format 1) or its bytes in the pack (format 2); null when it cannot be read
 * whole. Its hash is the rows check's: a changed body fails there, and here gives another document.
 */
function readBody(dir: string, page: PageRef): Buffer | null {
  try {
    if (page.bodyOffset === null) return readFileSync(join(dir, page.blobPath));
    if (!Number.isSafeInteger(page.bodyLength) || page.bodyLength < 0) return null;
    const fd = openSync(join(dir, page.blobPath), 'r');
    try {
      const buf = Buffer.alloc(page.bodyLength);
      const n = readSync(fd, buf, 0, buf.length, page.bodyOffset);
      return n === buf.length ? buf : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

async function* lines(path: string): AsyncGenerator<{ n: number; line: string }> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line) yield { n, line };
  }
}

/**
 * The job's `keepPii` as the bundle's manifest records it (parameters.job), turned into the extractor's
 * option: documents are rebuilt with the redaction they were made with. The manifest's signature is the
 * manifest check's business; a folder without a readable manifest is rebuilt with the default (redact all),
 * and its redacted documents then fail here as they would anyway.
 */
function jobRedaction(dir: string): PiiOption {
  try {
    const m = bundleManifestSchema.parse(
      JSON.parse(parseNote(readFileSync(join(dir, BUNDLE_MANIFEST_FILE))).text),
    );
    return redactionFromKeep(keepPiiSchema.optional().parse(m.parameters.job.keepPii));
  } catch {
    return true;
  }
}

/**
 * `sward verify --rederive`: re-runs @sward/extract on each document's stored body, exactly as ingest
 * did (the body decoded by its signed content type, the signed final URL), and requires the very bytes of
 * its documents.jsonl line, redacted as the job asked (its keepPii in the manifest). Rows made by another extractor version are counted as not rebuilt.
 */
export async function rederiveDocuments(dir: string): Promise<RederiveResult> {
  const pages = new Map<string, PageRef>();
  for await (const { line } of lines(join(dir, 'pages.jsonl'))) {
    try {
      const p = JSON.parse(line);
      const c = p.signedCapture?.capture ?? {};
      pages.set(String(p.captureId), {
        blobPath: String(p.blobPath),
        bodyOffset: typeof p.bodyOffset === 'number' ? p.bodyOffset : null,
        bodyLength: Number(c.bodyLength),
        bodySha256: String(c.bodySha256),
        finalUrl: String(c.finalUrl),
        contentType: c.headers?.['content-type'],
        usage: usageOf(p.signedCapture),
      });
    } catch {
      // a malformed row is the rows check's failure; its documents fail below as unbound
    }
  }
  const redactPii = jobRedaction(dir);
  const out: RederiveResult = { identical: 0, notChecked: { count: 0, why: [] }, failures: [] };
  const fail = (n: number, message: string) =>
    out.failures.push({ row: null, check: 'rederive', message: `documents.jsonl row ${n}: ${message}` });
  const otherVersions = new Set<string>();
  let rows: AsyncGenerator<{ n: number; line: string }>;
  try {
    rows = lines(join(dir, 'documents.jsonl'));
    for await (const { n, line } of rows) {
      let row: ReturnType<typeof documentRow>;
      try {
        row = JSON.parse(line);
      } catch (e) {
        fail(n, (e as Error).message);
        continue;
      }
      const page = pages.get(row.captureId);
      if (!page) {
        fail(n, `capture ${row.captureId} is not in pages.jsonl`);
        continue;
      }
      if (row.bodySha256 !== page.bodySha256) {
        fail(n, `body ${row.bodySha256} is not capture ${row.captureId}'s signed body ${page.bodySha256}`);
        continue;
      }
      const ex = row.extractor;
      if (!ex || ex.name !== EXTRACTOR.name || ex.version !== EXTRACTOR.version) {
        out.notChecked.count++;
        otherVersions.add(ex ? `${ex.name}@${ex.version}` : 'no extractor named');
        continue;
      }
      const body = readBody(dir, page);
      if (!body) {
        fail(n, `body file ${page.blobPath} is missing`);
        continue;
      }
      const { text } = decodeHtml(body, page.contentType);
      const doc = extract(text, { url: page.finalUrl, redactPii });
      const { leafIndex, checkpointSize } = row.provenance;
      const rebuilt = jsonLine(
        documentRow(
          {
            captureId: row.captureId,
            leafIndex,
            bodySha256: row.bodySha256,
            usage: page.usage,
            document: { ...doc, extractor: ex },
          },
          checkpointSize,
        ),
      );
      if (rebuilt === `${line}\n`) out.identical++;
      else
        fail(
          n,
          `re-extracting capture ${row.captureId} with ${ex.name}@${ex.version} gives a different document`,
        );
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    out.notChecked.why.push('documents.jsonl is not in the folder');
    return out;
  }
  if (otherVersions.size)
    out.notChecked.why.push(
      `made by ${[...otherVersions].join(', ')}, this is ${EXTRACTOR.name}@${EXTRACTOR.version}`,
    );
  return out;
}
