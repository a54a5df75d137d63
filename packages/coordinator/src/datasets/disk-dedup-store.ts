import { rmSync } from 'node:fs';
import type { DedupStore } from '@sward/extract';
import Database from 'better-sqlite3';

/**
 * A Deduplicator's index in a scratch SQLite file instead of this process's memory: a build keeps one entry
 * per kept document (exact key, band keys, the signature's low 16 bits as MemoryDedupStore keeps them), so
 * in memory it would grow with the dataset; on disk, memory stays SQLite's page cache. better-sqlite3 is
 * synchronous, as the DedupStore interface is.
 */
export class DiskDedupStore implements DedupStore {
  private readonly db: Database.Database;
  private readonly st;
  private count = 0;

  constructor(
    private readonly path: string,
    private readonly numPerm: number,
  ) {
    rmSync(path, { force: true });
    this.db = new Database(path);
    // Scratch data, rebuilt by the next build if this one dies: no journal, no fsync.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -16000');
    this.db.exec(`CREATE TABLE exact (key INTEGER PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, slot INTEGER NOT NULL);
      CREATE INDEX bands_key ON bands (key, band);
      CREATE TABLE sigs (slot INTEGER PRIMARY KEY, doc TEXT NOT NULL, sig BLOB NOT NULL);`);
    this.st = {
      exact: this.db.prepare<[bigint], { doc: string }>('SELECT doc FROM exact WHERE key = ?'),
      band: this.db.prepare<[bigint, number], { slot: number }>(
        'SELECT slot FROM bands WHERE key = ? AND band = ?',
      ),
      sig: this.db.prepare<[number], { doc: string; sig: Buffer }>(
        'SELECT doc, sig FROM sigs WHERE slot = ?',
      ),
      addExact: this.db.prepare('INSERT OR IGNORE INTO exact (key, doc) VALUES (?, ?)'),
      addBand: this.db.prepare('INSERT INTO bands (band, key, slot) VALUES (?, ?, ?)'),
      addSig: this.db.prepare('INSERT INTO sigs (slot, doc, sig) VALUES (?, ?, ?)'),
    };
    // One transaction per thousand documents: a commit per row would cost more than the rows.
    this.db.exec('BEGIN');
  }

  get size(): number {
    return this.count;
  }

  findExact(key: bigint): string | undefined {
    return this.st.exact.get(BigInt.asIntN(64, key))?.doc;
  }

  *candidates(bandKeys: bigint[]): Iterable<{ docId: string; signature: Uint16Array }> {
    const slots = new Set<number>();
    bandKeys.forEach((k, b) => {
      for (const r of this.st.band.all(BigInt.asIntN(64, k), b)) slots.add(r.slot);
    });
    for (const slot of slots) {
      const r = this.st.sig.get(slot);
      if (!r) continue;
      const sig = new Uint16Array(this.numPerm);
      new Uint8Array(sig.buffer).set(r.sig);
      yield { docId: r.doc, signature: sig };
    }
  }

  add(docId: string, exactKey: bigint, bandKeys: bigint[], signature: Uint32Array): void {
    const slot = this.count++;
    this.st.addExact.run(BigInt.asIntN(64, exactKey), docId);
    bandKeys.forEach((k, b) => {
      this.st.addBand.run(b, BigInt.asIntN(64, k), slot);
    });
    const low = Uint16Array.from(signature, (x) => x & 0xffff);
    this.st.addSig.run(slot, docId, Buffer.from(low.buffer));
    if (this.count % 1000 === 0) this.db.exec('COMMIT; BEGIN');
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
    rmSync(this.path, { force: true });
  }
}
