import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATASET_COLUMNS, DATASET_DATA_DIR, type DatasetColumn, type ManifestFile } from '@sward/core';
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';

export type DatasetRow = Record<Exclude<DatasetColumn, 'leaf_index'>, string> & { leaf_index: number };

/** Rows buffered before they become one Parquet row group (and flushed to disk). */
const ROW_GROUP_ROWS = 1000;
/** …or this many bytes of text, whichever comes first: memory stays flat whatever the page sizes. */
const ROW_GROUP_BYTES = 8 * 1024 * 1024;
/** Columns with few distinct values, worth a dictionary; the others are written plain. */
const FEW_VALUES = new Set(['domain', 'language', 'license', 'allowed_purposes', 'usage_reasons']);
/** The writer's buffer goes to disk past this size. */
const FLUSH_BYTES = 4 * 1024 * 1024;

/**
 * A ByteWriter (hyparquet-writer's own buffer) that goes to a file as it fills, and hashes what it writes:
 * a shard's SHA-256 and size are known when it closes, without reading it back.
 */
class HashingFileWriter extends ByteWriter {
  readonly hash: Hash = createHash('sha256');
  private readonly fd: number;
  written = 0;
  constructor(path: string) {
    super(1024 * 1024);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }
  /** Also called by ParquetWriter after each row group. */
  flush() {
    const chunk = new Uint8Array(this.buffer, 0, this.index);
    writeSync(this.fd, chunk);
    this.hash.update(chunk);
    this.written += chunk.length;
    this.index = 0;
  }
  override ensure(size: number) {
    if (this.index > FLUSH_BYTES) this.flush();
    super.ensure(size);
  }
  override finish() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes dataset rows as Parquet shards under data/ (hyparquet-writer, pure JS, snappy), one row group at a
 * time, starting a new shard once one holds `shardBytes`: at most one row group is in memory, so a build of
 * any size runs in the same memory. Shards are named train-NNNNN.parquet in order.
 */
export class ParquetShards {
  readonly files: ManifestFile[] = [];
  private rows: DatasetRow[] = [];
  private rowBytes = 0;
  private current: { path: string; out: HashingFileWriter; writer: ParquetWriter } | null = null;

  constructor(
    private readonly dir: string,
    private readonly shardBytes: number,
  ) {}

  add(row: DatasetRow): void {
    this.rows.push(row);
    this.rowBytes += row.text.length + row.markdown.length;
    // A row group never holds more text than a shard should: small shards (tests) still split.
    const groupBytes = Math.min(ROW_GROUP_BYTES, this.shardBytes);
    if (this.rows.length >= ROW_GROUP_ROWS || this.rowBytes >= groupBytes) this.writeGroup();
  }

  /** Writes what is buffered and closes the last shard; the shards' hashes are in `files`. */
  close(): void {
    this.writeGroup();
    this.closeShard();
  }

  private writeGroup() {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.rowBytes = 0;
    const columnData = DATASET_COLUMNS.map((name) =>
      name === 'leaf_index'
        ? { name, data: rows.map((r) => BigInt(r.leaf_index)), type: 'INT64' as const, nullable: false }
        : {
            name,
            data: rows.map((r) => r[name]),
            type: 'STRING' as const,
            nullable: false,
            // Mostly distinct long values: a dictionary would hold them all again and gain nothing.
            ...(FEW_VALUES.has(name) ? {} : { encoding: 'PLAIN' as const }),
          },
    );
    if (!this.current) {
      const path = `${DATASET_DATA_DIR}/train-${String(this.files.length).padStart(5, '0')}.parquet`;
      const out = new HashingFileWriter(join(this.dir, path));
      const writer = new ParquetWriter({
        writer: out,
        schema: schemaFromColumnData({ columnData }),
        createdBy: 'sward dataset build (hyparquet-writer)',
        // min/max of every text column cost a string compare per row (a third of the writing time) for
        // statistics no reader of a text column uses.
        statistics: false,
      });
      this.current = { path, out, writer };
    }
    this.current.writer.write({ columnData, rowGroupSize: rows.length });
    if (this.current.out.offset >= this.shardBytes) this.closeShard();
  }

  private closeShard() {
    if (!this.current) return;
    const { path, out, writer } = this.current;
    writer.finish();
    this.files.push({ path, sha256: out.hash.digest('hex'), size: out.written });
    this.current = null;
  }
}
