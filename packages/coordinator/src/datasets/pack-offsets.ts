import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Where each distinct body already sits in a build's bodies.pack, by SHA-256, in a scratch SQLite file
 * rather than this process's memory: rows whose captures share a body point at one copy, and a Map of every
 * body seen grew ~0.2 KB a row (2 GB at 10M rows). On disk, memory stays SQLite's page cache whatever the
 * build's size. better-sqlite3 is synchronous: a lookup costs no turn of the event loop.
 */
export class PackOffsets {
  private readonly db: Database.Database;
  private readonly st;
  private count = 0;

  constructor(private readonly path: string) {
    // A file left by a build that died is stale: this build starts from an empty pack.
    rmSync(path, { force: true });
    this.db = new Database(path);
    // Scratch data, rebuilt by the next build if this one dies: no journal, no fsync.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -4000');
    this.db.exec('CREATE TABLE offsets (sha BLOB PRIMARY KEY, offset INTEGER NOT NULL) WITHOUT ROWID');
    this.st = {
      get: this.db.prepare<[Buffer], { offset: number }>('SELECT offset FROM offsets WHERE sha = ?'),
      add: this.db.prepare<[Buffer, number]>('INSERT INTO offsets (sha, offset) VALUES (?, ?)'),
    };
    // One transaction per thousand bodies: a commit per row would cost more than the rows.
    this.db.exec('BEGIN');
  }

  /** How many distinct bodies the pack holds. */
  get size(): number {
    return this.count;
  }

  get(sha256: string): number | undefined {
    return this.st.get.get(key(sha256))?.offset;
  }

  /** Records where a body was written; a body already recorded keeps its first offset (an error here). */
  set(sha256: string, offset: number): void {
    this.st.add.run(key(sha256), offset);
    if (++this.count % 1000 === 0) this.db.exec('COMMIT; BEGIN');
  }

  /** Closes and deletes the scratch file. */
  close(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
    rmSync(this.path, { force: true });
  }
}

/** The hash as its 32 bytes: half the size of the hex text in the index. */
const key = (sha256: string): Buffer => {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256 in hex: ${sha256.slice(0, 80)}`);
  return Buffer.from(sha256, 'hex');
};
