import type { SqlExecutor, SqlValue } from './sql-driver.js';

/** Rows per multi-row statement: a batch of captures is at most 64, links a few hundred; well under both
 * backends' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535) at 16 columns. */
export const MULTI_ROW_CHUNK = 200;

/** `(?, ?, ?), (?, ?, ?)`: the VALUES list of `rows` rows of `width` placeholders (each may be a cast). */
export function valuesList(rows: number, cells: readonly string[]): string {
  const one = `(${cells.join(', ')})`;
  return Array.from({ length: rows }, () => one).join(', ');
}

/** `?, ?, ?`: placeholders for an IN list. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Runs `statement` once per chunk of `rows` (MULTI_ROW_CHUNK at a time); returns every chunk's answer rows. */
export async function inChunks<R, T = Record<string, unknown>>(
  tx: SqlExecutor,
  rows: readonly R[],
  statement: (chunk: readonly R[]) => [string, SqlValue[]],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += MULTI_ROW_CHUNK) {
    const [sql, params] = statement(rows.slice(i, i + MULTI_ROW_CHUNK));
    out.push(...(await tx.all<T>(sql, params)));
  }
  return out;
}
