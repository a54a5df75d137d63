import { createHash } from 'node:crypto';
import { type DedupStore, MemoryDedupStore } from './dedup-store.js';
import { ExtractError } from './errors.js';
import {
  bandKey,
  lshParams,
  minhashSignature,
  normalizeWords,
  permutationSeeds,
  shingleHashes,
  signatureSimilarity,
} from './minhash.js';

export type DedupResult =
  | { duplicate: false }
  | { duplicate: true; kind: 'exact' | 'near'; of: string; similarity: number };

export interface DedupOptions {
  /** Estimated Jaccard similarity of word 5-gram shingles at or above which a document is a near-duplicate. */
  threshold?: number;
  numPerm?: number;
  store?: DedupStore;
}

/**
 * Crawl-wide duplicate detection: the first document seen is kept, later exact (same
 * normalised text) or near (MinHash LSH) copies are reported with the id they duplicate.
 * Duplicates are not indexed, so memory grows with kept documents only.
 */
export class Deduplicator {
  readonly threshold: number;
  readonly numPerm: number;
  readonly bands: number;
  readonly rows: number;
  readonly store: DedupStore;
  private readonly seeds: Uint32Array;
  readonly counts = { checked: 0, exact: 0, near: 0 };

  constructor(opts: DedupOptions = {}) {
    this.threshold = opts.threshold ?? 0.8;
    this.numPerm = opts.numPerm ?? 128;
    if (!(this.threshold > 0 && this.threshold <= 1))
      throw new ExtractError('BAD_OPTION', `threshold must be in (0, 1], got ${this.threshold}`);
    if (!Number.isInteger(this.numPerm) || this.numPerm < 8 || this.numPerm > 1024)
      throw new ExtractError('BAD_OPTION', `numPerm must be an integer in [8, 1024], got ${this.numPerm}`);
    ({ bands: this.bands, rows: this.rows } = lshParams(this.threshold, this.numPerm));
    this.seeds = permutationSeeds(this.numPerm);
    this.store = opts.store ?? new MemoryDedupStore(this.numPerm);
  }

  check(docId: string, text: string): DedupResult {
    if (typeof docId !== 'string' || docId === '')
      throw new ExtractError('BAD_DOC_ID', `docId must be a non-empty string, got ${JSON.stringify(docId)}`);
    this.counts.checked++;
    const words = normalizeWords(text ?? '');
    const exactKey = createHash('sha256').update(words.join(' ')).digest().readBigUInt64BE(0);
    const same = this.store.findExact(exactKey);
    if (same !== undefined) {
      this.counts.exact++;
      this.store.recordDuplicate?.(docId, same, 'exact', 1);
      return { duplicate: true, kind: 'exact', of: same, similarity: 1 };
    }
    const sig = minhashSignature(shingleHashes(words), this.seeds);
    const keys: bigint[] = [];
    for (let b = 0; b < this.bands; b++) keys.push(bandKey(sig, b, this.rows));
    let best: { docId: string; sim: number } | null = null;
    if (words.length > 0) {
      for (const c of this.store.candidates(keys)) {
        const sim = signatureSimilarity(sig, c.signature);
        if (sim >= this.threshold && (!best || sim > best.sim)) best = { docId: c.docId, sim };
      }
    }
    if (best) {
      this.counts.near++;
      this.store.recordDuplicate?.(docId, best.docId, 'near', best.sim);
      return { duplicate: true, kind: 'near', of: best.docId, similarity: best.sim };
    }
    this.store.add(docId, exactKey, keys, sig);
    return { duplicate: false };
  }
}
