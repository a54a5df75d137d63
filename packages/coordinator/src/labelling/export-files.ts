import { parquetWriteBuffer } from 'hyparquet-writer';
import type { PreferenceRow, RatingRow } from './export-rows.js';

/** File name → bytes of one project export. */
export type ExportFiles = Map<string, Uint8Array>;

const jsonl = (rows: readonly object[]) =>
  new TextEncoder().encode(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));

/** The rows in JSONL and Parquet (hyparquet-writer, pure JS) and the dataset card. */
export function exportFiles(
  preferences: readonly PreferenceRow[] | null,
  ratings: readonly RatingRow[] | null,
  card: string,
): ExportFiles {
  const files: ExportFiles = new Map();
  if (preferences) {
    files.set('preferences.jsonl', jsonl(preferences));
    files.set(
      'preferences.parquet',
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'prompt', data: preferences.map((r) => r.prompt), type: 'STRING' },
            { name: 'chosen', data: preferences.map((r) => r.chosen), type: 'STRING' },
            { name: 'rejected', data: preferences.map((r) => r.rejected), type: 'STRING' },
          ],
        }),
      ),
    );
  }
  if (ratings) {
    files.set('ratings.jsonl', jsonl(ratings));
    files.set(
      'ratings.parquet',
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'prompt', data: ratings.map((r) => r.prompt), type: 'STRING' },
            { name: 'response', data: ratings.map((r) => r.response), type: 'STRING' },
            { name: 'score', data: ratings.map((r) => r.score), type: 'DOUBLE' },
            { name: 'confidence', data: ratings.map((r) => r.confidence), type: 'DOUBLE' },
          ],
        }),
      ),
    );
  }
  files.set('README.md', new TextEncoder().encode(card));
  return files;
}
