import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type BundleFailure,
  type ComplianceDocument,
  canonicalJson,
  checkSkipEvidence,
  type RightsReceipt,
  responseHeadersDocument,
  responseHeadersSha256,
  rightsReceiptSchema,
  USAGE_PURPOSES,
} from '@sward/core';
import type { CheckLine } from './verify-report.js';

/** What a re-extraction of documents.jsonl found (`sward verify --rederive`). */
export interface RederiveResult {
  /** Rows rebuilt byte for byte. */
  identical: number;
  /** Rows not rebuilt, and why (e.g. made by another extractor version). */
  notChecked: { count: number; why: string[] };
  failures: BundleFailure[];
}
export type RederiveDocuments = (dir: string) => Promise<RederiveResult>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A check's report line and the failures behind it. */
const outcome = (check: string, status: CheckLine['status'], detail: string, failures: BundleFailure[]) => ({
  line: { check, status, detail },
  failures,
});

async function* jsonlRows(
  path: string,
): AsyncGenerator<{ n: number; row: unknown } | { n: number; error: string }> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line) continue;
    try {
      yield { n, row: JSON.parse(line) };
    } catch (e) {
      yield { n, error: (e as Error).message };
    }
  }
}

/** compliance.json's documents; a file that does not parse is a failure of `check`. */
async function complianceDocs(dir: string, check: string, failures: BundleFailure[]) {
  const compliance = await readFile(join(dir, 'compliance.json'), 'utf8').catch(() => null);
  try {
    return compliance
      ? ((JSON.parse(compliance) as { documents?: ComplianceDocument[] }).documents ?? [])
      : [];
  } catch (e) {
    failures.push({ row: null, check, message: `compliance.json: ${(e as Error).message}` });
    return [];
  }
}

/**
 * pages.jsonl's rights receipts (inside each leaf, so the inclusion check already binds them to the log):
 * each is well-formed, allows the page for the purpose it was stored for, and each document it names
 * matches what the bundle holds: policy files by their compliance.json entry, headers by the signed capture.
 */
async function rightsReceipts(dir: string): Promise<{ line: CheckLine; failures: BundleFailure[] }> {
  const failures: BundleFailure[] = [];
  const docs = await complianceDocs(dir, 'rights', failures);
  const byCapture = new Map(docs.flatMap((d) => (d.captureId ? [[d.captureId, d] as const] : [])));
  const counts = { receipts: 0, without: 0, matched: 0, headers: 0, unchecked: 0, creator: 0 };
  const allowed = { train: 0, input: 0, index: 0 };
  const fail = (row: number, message: string) => failures.push({ row, check: 'rights', message });
  try {
    for await (const r of jsonlRows(join(dir, 'pages.jsonl'))) {
      if ('error' in r) continue; // the rows check reports it
      const row = r.row as {
        creatorTerms?: unknown;
        signedCapture?: { rights?: unknown; capture?: { headers?: never } };
      };
      const sc = row.signedCapture;
      if (sc?.rights === undefined) {
        counts.without++;
        if (row.creatorTerms !== undefined) fail(r.n, 'creatorTerms on a row whose leaf has no receipt');
        continue;
      }
      const parsed = rightsReceiptSchema.safeParse(sc.rights);
      if (!parsed.success) {
        fail(r.n, `receipt: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
        continue;
      }
      const receipt: RightsReceipt = parsed.data;
      counts.receipts++;
      // The row's creatorTerms is a copy of the receipt's, which the log commits to: they must agree.
      const fromLeaf = receipt.creator === undefined ? undefined : canonicalJson(receipt.creator);
      const onRow = row.creatorTerms === undefined ? undefined : canonicalJson(row.creatorTerms);
      if (fromLeaf !== onRow)
        fail(
          r.n,
          `row's creatorTerms ${onRow ?? '(none)'} is not its receipt's creator terms ${fromLeaf ?? '(none)'}`,
        );
      else if (receipt.creator) counts.creator++;
      for (const p of USAGE_PURPOSES) if (receipt.decisions[p].decision === 'allow') allowed[p]++;
      const own = receipt.decisions[receipt.purpose];
      if (own.decision !== 'allow')
        fail(r.n, `stored for ${receipt.purpose}, but its receipt says ${own.decision} (${own.reason})`);
      for (const d of receipt.documents) {
        if (d.kind === 'headers') {
          const h = responseHeadersDocument(sc.capture?.headers ?? {});
          if (h && responseHeadersSha256(h) === d.sha256) counts.headers++;
          else fail(r.n, `receipt's headers hash is not the signed capture's headers`);
          continue;
        }
        const entry = d.captureId ? byCapture.get(d.captureId) : undefined;
        if (!entry) {
          counts.unchecked++;
          continue;
        }
        if (entry.bodySha256 === d.sha256 && entry.url === d.url) counts.matched++;
        else
          fail(
            r.n,
            `receipt's ${d.kind} ${d.url} (${d.sha256.slice(0, 12)}…) is not compliance.json's ${entry.url}`,
          );
      }
    }
  } catch {
    return outcome('rights receipts', 'not_checked', 'pages.jsonl is not in the folder', failures);
  }
  if (failures.length)
    return outcome(
      'rights receipts',
      'failed',
      `${plural(failures.length, 'problem')}; first: row ${failures[0]?.row}: ${failures[0]?.message}`,
      failures,
    );
  if (counts.receipts === 0)
    return {
      line: {
        check: 'rights receipts',
        status: 'not_checked',
        detail: counts.without ? `${plural(counts.without, 'page')} captured before receipts` : 'no pages',
      },
      failures,
    };
  const older = counts.without ? `; ${plural(counts.without, 'page')} captured before receipts` : '';
  const unchecked = counts.unchecked
    ? `, ${plural(counts.unchecked, 'document')} not in compliance.json (or inline in a page), not checked`
    : '';
  return {
    line: {
      check: 'rights receipts',
      status: 'checked',
      detail: `${plural(counts.receipts, 'page')} with receipts, allowed for train ${allowed.train}, input ${allowed.input}, index ${allowed.index}${counts.creator ? `, ${plural(counts.creator, 'page')} under creator terms` : ''}; ${plural(counts.matched, 'policy document')} matched compliance.json, ${plural(counts.headers, 'header set')} matched the signed capture${unchecked}${older}`,
    },
    failures,
  };
}

/** skipped.jsonl: each row's evidence checked against its reason (core's checkSkipEvidence). */
async function skipEvidence(dir: string): Promise<{ line: CheckLine; failures: BundleFailure[] }> {
  const failures: BundleFailure[] = [];
  const docs = await complianceDocs(dir, 'evidence', failures);
  const counts = { supported: 0, signed: 0, absent: 0, rows: 0 };
  const absentWhy = new Set<string>();
  try {
    for await (const r of jsonlRows(join(dir, 'skipped.jsonl'))) {
      counts.rows++;
      const at = `skipped.jsonl row ${r.n}`;
      if ('error' in r) {
        failures.push({ row: null, check: 'evidence', message: `${at}: ${r.error}` });
        continue;
      }
      const row = r.row as Parameters<typeof checkSkipEvidence>[0];
      const v = checkSkipEvidence(row, docs);
      if (v.status === 'failed')
        failures.push({
          row: null,
          check: 'evidence',
          message: `${at} (${row.url}, ${row.reason}): ${v.message}`,
        });
      else {
        counts[v.status]++;
        if (v.status === 'absent') absentWhy.add(v.note);
      }
    }
  } catch {
    return outcome('skip evidence', 'not_checked', 'skipped.jsonl is not in the folder', failures);
  }
  if (failures.length)
    return outcome(
      'skip evidence',
      'failed',
      `${failures.length} of ${plural(counts.rows, 'row')}; first: ${failures[0]?.message}`,
      failures,
    );
  const checked = counts.supported + counts.signed;
  const parts = [
    `${counts.supported} supported by signed answers`,
    `${counts.signed} signed but their reason not recomputable offline`,
  ];
  if (counts.rows === 0)
    return { line: { check: 'skip evidence', status: 'not_checked', detail: 'no skipped rows' }, failures };
  if (checked === 0)
    return {
      line: {
        check: 'skip evidence',
        status: 'not_checked',
        detail: `${plural(counts.rows, 'row')} without evidence: ${[...absentWhy].slice(0, 3).join('; ')}`,
      },
      failures,
    };
  return {
    line: {
      check: 'skip evidence',
      status: 'checked',
      detail: `${plural(checked, 'row')}: ${parts.join(', ')}${counts.absent ? `; ${counts.absent} without evidence, not checked (${[...absentWhy].slice(0, 3).join('; ')})` : ''}`,
    },
    failures,
  };
}

function rederiveLine(r: RederiveResult | null): CheckLine {
  if (!r)
    return {
      check: 'rederive',
      status: 'not_checked',
      detail: 'documents not re-extracted; pass --rederive',
    };
  if (r.failures.length)
    return {
      check: 'rederive',
      status: 'failed',
      detail: `${r.failures.length} document(s) differ; first: ${r.failures[0]?.message}`,
    };
  const skipped = r.notChecked.count
    ? `; ${r.notChecked.count} not rebuilt (${r.notChecked.why.join('; ')})`
    : '';
  if (r.identical === 0)
    return { check: 'rederive', status: 'not_checked', detail: `no document rebuilt${skipped}` };
  return {
    check: 'rederive',
    status: 'checked',
    detail: `${plural(r.identical, 'document')} re-extracted from their bodies, byte-identical${skipped}`,
  };
}

/** The checks of what the files say, beyond their hashes: skip evidence, and re-extraction when asked. */
export async function extraChecks(
  dir: string,
  options: { rederive?: RederiveDocuments },
): Promise<{ lines: CheckLine[]; failures: BundleFailure[] }> {
  const skip = await skipEvidence(dir);
  const rights = await rightsReceipts(dir);
  const rederived = options.rederive ? await options.rederive(dir) : null;
  return {
    lines: [skip.line, rights.line, rederiveLine(rederived)],
    failures: [...skip.failures, ...rights.failures, ...(rederived?.failures ?? [])],
  };
}
