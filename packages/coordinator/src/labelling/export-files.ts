import type { AnnotationRow, PreferenceRow, RatingRow } from './export-rows.js';

/** File name → bytes of one project export. */
export type ExportFiles = Map<string, Uint8Array>;

/** A Parquet column type as hyparquet-writer names it. */
export type ColumnType = 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN';

/** One table of an export: its rows and their columns, in order. */
export interface ExportTable {
  /** File stem: `<name>.jsonl` and `<name>.parquet`, and the config / record set name. */
  name: 'preferences' | 'ratings' | 'annotations';
  columns: readonly (readonly [column: string, type: ColumnType])[];
  rows: readonly object[];
}

export const PREFERENCE_COLUMNS = [
  ['item_id', 'STRING'],
  ['prompt', 'STRING'],
  ['chosen', 'STRING'],
  ['rejected', 'STRING'],
] as const;
export const RATING_COLUMNS = [
  ['item_id', 'STRING'],
  ['prompt', 'STRING'],
  ['response', 'STRING'],
  ['score', 'DOUBLE'],
  ['confidence', 'DOUBLE'],
] as const;
export const ANNOTATION_COLUMNS = [
  ['item_id', 'STRING'],
  ['labeller', 'STRING'],
  ['answer', 'STRING'],
  ['ms', 'INT32'],
  ['kept', 'BOOLEAN'],
  ['gold_item', 'BOOLEAN'],
] as const;

export const preferencesTable = (rows: readonly PreferenceRow[]): ExportTable => ({
  name: 'preferences',
  columns: PREFERENCE_COLUMNS,
  rows,
});
export const ratingsTable = (rows: readonly RatingRow[]): ExportTable => ({
  name: 'ratings',
  columns: RATING_COLUMNS,
  rows,
});
export const annotationsTable = (rows: readonly AnnotationRow[]): ExportTable => ({
  name: 'annotations',
  columns: ANNOTATION_COLUMNS,
  rows,
});

const jsonl = (rows: readonly object[]) =>
  new TextEncoder().encode(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));

/**
 * The tables in JSONL and Parquet (hyparquet-writer, pure JS). The writer (~50 modules with hyparquet) loads
 * with the first export, not with every coordinator.
 */
export async function exportFiles(tables: readonly ExportTable[]): Promise<ExportFiles> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const files: ExportFiles = new Map();
  for (const t of tables) {
    files.set(`${t.name}.jsonl`, jsonl(t.rows));
    files.set(
      `${t.name}.parquet`,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: t.columns.map(([name, type]) => ({
            name,
            data: t.rows.map((r) => (r as Record<string, unknown>)[name]),
            type,
          })),
        }),
      ),
    );
  }
  return files;
}
