import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DATASET_DATA_DIR, DATASET_EXCLUDED_FILE, type DatasetFigures } from '@sward/core';
import { type QualitySignals, qualitySignals } from '@sward/extract/light';
import { CoordinatorError } from '../errors.js';
import type { SqlDriver } from '../store/sql-driver.js';
import { FiguresTally, REPORT_COLUMNS, type ReportRow } from './figures-tally.js';

/** One dataset folder to value: its shards (paths under `dir`), excluded.jsonl beside them. */
export interface FiguresSource {
  source: DatasetFigures['source'];
  dir: string;
  shards: readonly string[];
  dedupThreshold: number;
  /** The quality signals extraction stored for these captures; a row without them is scored from its text. */
  storedQuality?: (captureIds: readonly string[]) => Promise<Map<string, QualitySignals>>;
}

/**
 * A dataset's valuation figures, read a Parquet row group at a time (only the columns the report needs)
 * and excluded.jsonl a line at a time: at most one row group is in memory, whatever the dataset's size.
 */
export async function datasetFigures(src: FiguresSource, now: number): Promise<DatasetFigures> {
  // hyparquet (~55 modules) loads with the first report, not with every coordinator that never builds one.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const tally = new FiguresTally(src.source, src.dedupThreshold);
  for (const shard of src.shards) {
    const file = await asyncBufferFromFile(join(src.dir, shard));
    const metadata = await parquetMetadataAsync(file);
    let start = 0;
    for (const group of metadata.row_groups) {
      const end = start + Number(group.num_rows);
      const rows = (await parquetReadObjects({
        file,
        metadata,
        columns: [...REPORT_COLUMNS],
        rowStart: start,
        rowEnd: end,
      })) as ReportRow[];
      const stored = src.storedQuality
        ? await src.storedQuality(rows.map((r) => String(r.capture_id)))
        : new Map<string, QualitySignals>();
      for (const raw of rows) {
        const row = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, String(raw[c] ?? '')])) as ReportRow;
        tally.addRow(
          row,
          stored.get(row.capture_id) ?? qualitySignals({ text: row.text, language: row.language || null }),
        );
      }
      start = end;
    }
  }
  const lines = createInterface({
    input: createReadStream(join(src.dir, DATASET_EXCLUDED_FILE)),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new CoordinatorError(
        'STORAGE',
        `${src.source.id}: ${DATASET_EXCLUDED_FILE} line ${n} is not JSON`,
      );
    }
    if (e && typeof e === 'object') tally.addExclusion(e);
  }
  return tally.figures(now);
}

/** The quality signals stored with each capture's document (one query per row group). */
export function storedQuality(db: SqlDriver) {
  const expr = db.dialect === 'sqlite' ? "json_extract(doc, '$.quality')" : "(doc::json)->>'quality'";
  return async (ids: readonly string[]): Promise<Map<string, QualitySignals>> => {
    if (ids.length === 0) return new Map();
    const rows = await db.all<{ capture_id: string; q: string | null }>(
      `SELECT capture_id, ${expr} AS q FROM documents WHERE capture_id IN (${ids.map(() => '?').join(',')})`,
      [...ids],
    );
    const out = new Map<string, QualitySignals>();
    for (const r of rows) if (r.q) out.set(r.capture_id, JSON.parse(r.q) as QualitySignals);
    return out;
  };
}

/** Where the built-in reference sample lives (shipped in the package, beside dist/ and src/). */
const BUILTIN_DIR = new URL('../../reference-sample/', import.meta.url);

/** The built-in reference sample: pages of Sward's own test sites (reference-sample/README.md). */
export function builtinReference(): FiguresSource {
  const dir = fileURLToPath(BUILTIN_DIR);
  const meta = JSON.parse(readFileSync(join(dir, 'sample.json'), 'utf8')) as {
    name: string;
    note: string;
    dedup: number;
  };
  const shards = readdirSync(join(dir, DATASET_DATA_DIR))
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map((f) => `${DATASET_DATA_DIR}/${f}`);
  return {
    source: { kind: 'builtin', id: 'builtin', name: meta.name, note: meta.note },
    dir,
    shards,
    dedupThreshold: meta.dedup,
  };
}
