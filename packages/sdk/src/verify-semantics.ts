import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type BundleFailure, type ComplianceDocument, checkSkipEvidence } from '@sward/core';
import { ReceiptCheck, type ReceiptTally } from './verify-receipts.js';
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

/** compliance.json's documents for the rights check, and the failure when the file does not parse. */
export async function receiptDocuments(
  dir: string,
): Promise<{ documents: ComplianceDocument[]; failures: BundleFailure[] }> {
  const failures: BundleFailure[] = [];
  return { documents: await complianceDocs(dir, 'rights', failures), failures };
}

/**
 * The rights receipts' report line (verify-receipts.ts checks them). `fromRows` is what the rows check
 * found, compliance.json's failures first; without it (rows not read, or a caller of extraChecks alone)
 * pages.jsonl is read here.
 */
async function rightsReceipts(
  dir: string,
  fromRows: ReceiptTally | null,
): Promise<{ line: CheckLine; failures: BundleFailure[] }> {
  let counts = fromRows;
  if (!counts) {
    const { documents, failures } = await receiptDocuments(dir);
    const check = new ReceiptCheck(documents);
    try {
      for await (const r of jsonlRows(join(dir, 'pages.jsonl'))) if (!('error' in r)) check.row(r.n, r.row);
    } catch {
      return outcome('rights receipts', 'not_checked', 'pages.jsonl is not in the folder', failures);
    }
    counts = check.take();
    counts.failures.unshift(...failures);
  }
  const { failures, allowed } = counts;
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

/**
 * The checks of what the files say, beyond their hashes: skip evidence, rights receipts (what the rows
 * check found, when it ran: `receiptsFromRows`), and re-extraction when asked.
 */
export async function extraChecks(
  dir: string,
  options: { rederive?: RederiveDocuments },
  receiptsFromRows: ReceiptTally | null = null,
): Promise<{ lines: CheckLine[]; failures: BundleFailure[] }> {
  const skip = await skipEvidence(dir);
  const rights = await rightsReceipts(dir, receiptsFromRows);
  const rederived = options.rederive ? await options.rederive(dir) : null;
  return {
    lines: [skip.line, rights.line, rederiveLine(rederived)],
    failures: [...skip.failures, ...rights.failures, ...(rederived?.failures ?? [])],
  };
}
