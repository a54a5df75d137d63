import { InferenceError } from './errors.js';

/** One parsed CSV record and the 1-based line it starts on, so errors can point at the input. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines; CRLF or LF; a leading BOM
 * and blank lines are ignored. Hand-written because it must keep line numbers for errors and stream 1M
 * rows without building a record object per row: `onRecord` gets a reused array, copy what you keep.
 */
export function forEachCsvRecord(text: string, onRecord: (fields: string[], line: number) => void): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const fields: string[] = [];
  while (i < n) {
    const start = line;
    fields.length = 0;
    let endOfRecord = false;
    while (!endOfRecord) {
      if (text.charCodeAt(i) === 34 /* " */) {
        let value = '';
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new InferenceError('BAD_CSV', `line ${start}: unterminated quoted field`);
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        line += countNewlines(value);
        fields.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== 44 && c !== 10 && c !== 13) {
          throw new InferenceError('BAD_CSV', `line ${line}: unexpected character after closing quote`);
        }
      } else {
        let j = i;
        let quote = false;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34) quote = true;
          j++;
        }
        if (quote) throw new InferenceError('BAD_CSV', `line ${line}: stray quote in unquoted field`);
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === 44) i++;
      else {
        if (c === 13) i++;
        if (text.charCodeAt(i) === 10) i++;
        line++;
        endOfRecord = true;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) onRecord(fields, start);
  }
}

/** All records at once, for small inputs and tests. */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  forEachCsvRecord(text, (fields, line) => out.push({ line, fields: [...fields] }));
  return out;
}

function countNewlines(s: string): number {
  let k = 0;
  for (let p = s.indexOf('\n'); p >= 0; p = s.indexOf('\n', p + 1)) k++;
  return k;
}

/** Quotes a field only when it needs it, so plain ids stay plain. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/**
 * Streams a CSV whose header names the wanted columns in any order (extra columns are ignored): `onRow`
 * gets the wanted values, trimmed, in `wanted` order (a reused array). Every row must be complete and
 * every wanted value non-empty. Returns the number of rows.
 */
export function forEachCsvRow<K extends string>(
  text: string,
  wanted: readonly K[],
  onRow: (values: string[], line: number) => void,
): number {
  let index: number[] | undefined;
  let width = 0;
  let rows = 0;
  const values: string[] = [];
  forEachCsvRecord(text, (fields, line) => {
    if (!index) {
      const names = fields.map((f) => f.trim().toLowerCase());
      index = wanted.map((w) => names.indexOf(w));
      const missing = wanted.filter((_, k) => index?.[k] === -1);
      if (missing.length) {
        throw new InferenceError(
          'BAD_CSV',
          `line ${line}: header "${fields.join(',')}" lacks column(s) ${missing.join(',')}`,
        );
      }
      width = names.length;
      return;
    }
    if (fields.length !== width) {
      throw new InferenceError('BAD_CSV', `line ${line}: expected ${width} fields, found ${fields.length}`);
    }
    for (let k = 0; k < wanted.length; k++) {
      const v = (fields[index[k] as number] as string).trim();
      if (v === '') throw new InferenceError('BAD_CSV', `line ${line}: empty ${wanted[k]}`);
      values[k] = v;
    }
    rows++;
    onRow(values, line);
  });
  if (!index)
    throw new InferenceError('BAD_CSV', `empty input: expected a header naming ${wanted.join(',')}`);
  return rows;
}

/** Like `forEachCsvRow`, collecting one array per wanted column. */
export function readColumns<K extends string>(text: string, wanted: readonly K[]): Record<K, string[]> {
  const cols = wanted.map(() => [] as string[]);
  forEachCsvRow(text, wanted, (values) => {
    for (let k = 0; k < wanted.length; k++) (cols[k] as string[]).push(values[k] as string);
  });
  return Object.fromEntries(wanted.map((w, k) => [w, cols[k]])) as Record<K, string[]>;
}
