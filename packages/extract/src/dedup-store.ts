import { KeyTable } from './key-table.js';

/**
 * Where a Deduplicator keeps what it has seen. The default keeps everything in typed
 * arrays in this process; the coordinator can implement it over SQLite/PostgreSQL
 * (tables exact(key), bands(band, key) and signatures(doc)) to share it across workers.
 */
export interface DedupStore {
  findExact(key: bigint): string | undefined;
  /** Kept documents that share at least one band key with the probe, each once. */
  candidates(bandKeys: bigint[]): Iterable<{ docId: string; signature: Uint32Array | Uint16Array }>;
  add(docId: string, exactKey: bigint, bandKeys: bigint[], signature: Uint32Array): void;
  /** Optional: persist "docId duplicates `of`" (the coordinator's store keeps it for dataset builds). */
  recordDuplicate?(docId: string, of: string, kind: 'exact' | 'near', similarity: number): void;
  readonly size: number;
}

export class MemoryDedupStore implements DedupStore {
  private readonly ids: string[] = [];
  private sigs: Uint16Array; // low 16 bits per slot: see signatureSimilarity
  private readonly exact = new KeyTable();
  private readonly bands: KeyTable[] = [];

  constructor(private readonly numPerm: number) {
    this.sigs = new Uint16Array(numPerm * 1024);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Bytes held in typed arrays (signatures and tables); doc id strings are extra. */
  get bytes(): number {
    return this.sigs.byteLength + this.exact.bytes + this.bands.reduce((s, b) => s + b.bytes, 0);
  }

  findExact(key: bigint): string | undefined {
    const s = this.exact.get(key)[0];
    return s === undefined ? undefined : this.ids[s];
  }

  *candidates(bandKeys: bigint[]): Iterable<{ docId: string; signature: Uint32Array | Uint16Array }> {
    const seen = new Set<number>();
    bandKeys.forEach((k, b) => {
      for (const s of this.bands[b]?.get(k) ?? []) seen.add(s);
    });
    for (const s of seen) {
      yield {
        docId: this.ids[s] as string,
        signature: this.sigs.subarray(s * this.numPerm, (s + 1) * this.numPerm),
      };
    }
  }

  add(docId: string, exactKey: bigint, bandKeys: bigint[], signature: Uint32Array): void {
    const slot = this.ids.length;
    this.ids.push(docId);
    if ((slot + 1) * this.numPerm > this.sigs.length) {
      const next = new Uint16Array(this.sigs.length * 2);
      next.set(this.sigs);
      this.sigs = next;
    }
    this.sigs.set(signature, slot * this.numPerm);
    this.exact.add(exactKey, slot);
    bandKeys.forEach((k, b) => {
      this.bands[b] ??= new KeyTable();
      (this.bands[b] as KeyTable).add(k, slot);
    });
  }
}
