import { createRequire } from 'node:module';
import type { Index as UsearchIndex } from 'usearch';
import { isModuleNotFound, missingDependencyMessage } from '../optional-dependency.js';

/**
 * In-memory cosine search over one collection's chunk vectors. Small collections are searched exactly
 * (a dot product per vector: at 10,000 × 1,024 dims that is a few ms, and exact is always right); from
 * `approximateFrom` vectors on, an HNSW graph (usearch, native, prebuilt binaries ship inside its npm
 * package) answers instead and its candidates are re-scored exactly. Vectors are kept normalised so the
 * index can be rebuilt or dropped at any size. The vectors themselves live in collection_chunks; this is
 * a cache rebuilt from there at start.
 */
export interface VectorIndexOptions {
  dimensions: number;
  /** From this many vectors on, search goes through HNSW (default 10,000; Infinity: always exact). */
  approximateFrom?: number;
  /**
   * HNSW graph degree (default 16) and search breadth (default 1,024). The breadth is high because
   * short queries sit far from every chunk vector: on 100k real-word-vector chunks, recall@10 of
   * query-text vectors against exact search was 0.75 at 64, 0.90 at 256, 0.97 at 768 and 0.98 at 1,024
   * (2 ms per search); see docs/BENCHMARKS.md, "Live-collection search".
   */
  connectivity?: number;
  expansionSearch?: number;
}

export interface VectorHit {
  id: number;
  /** Cosine similarity, in [-1, 1]. */
  score: number;
}

const DEFAULT_APPROXIMATE_FROM = 10_000;
const DEFAULT_EXPANSION_SEARCH = 1024;

let usearch: typeof import('usearch') | null | undefined;
let usearchError: string | null = null;
/** usearch is loaded on first need, so a machine without its native binary still gets exact search. */
function loadUsearch(): typeof import('usearch') | null {
  if (usearch === undefined) {
    try {
      usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch');
    } catch (e) {
      usearch = null;
      usearchError = usearchUnavailableReason(e);
    }
  }
  return usearch;
}

/** Why the HNSW graph cannot be used: usearch is an optional peer dependency, or its binary did not load. */
export function usearchUnavailableReason(e: unknown): string {
  if (isModuleNotFound(e))
    return `${missingDependencyMessage('usearch', 'HNSW graphs (approximate vector search)')}; exact search is used meanwhile`;
  return e instanceof Error ? e.message : String(e);
}

/** Whether approximate search can be used here; when not, why (the exact search still works). */
export function approximateSearchAvailable(): { available: boolean; reason: string | null } {
  return { available: loadUsearch() !== null, reason: usearchError };
}

export class VectorIndex {
  readonly dimensions: number;
  private readonly vectors = new Map<number, Float32Array>();
  private ann: UsearchIndex | null = null;
  private readonly approximateFrom: number;

  constructor(private readonly opts: VectorIndexOptions) {
    if (!Number.isInteger(opts.dimensions) || opts.dimensions <= 0)
      throw new RangeError(`vector dimensions must be a positive integer, got ${opts.dimensions}`);
    this.dimensions = opts.dimensions;
    this.approximateFrom = opts.approximateFrom ?? DEFAULT_APPROXIMATE_FROM;
  }

  get size(): number {
    return this.vectors.size;
  }

  /** True while searches go through the HNSW graph. */
  get approximate(): boolean {
    return this.ann !== null;
  }

  /** Adds or replaces the vector of chunk `id`. */
  add(id: number, vector: ArrayLike<number>): void {
    if (!Number.isSafeInteger(id) || id < 0)
      throw new RangeError(`vector id must be a non-negative integer, got ${id}`);
    const v = this.normalised(vector, `vector ${id}`);
    if (this.ann && this.vectors.has(id)) this.ann.remove(BigInt(id));
    this.vectors.set(id, v);
    if (this.ann) this.ann.add(BigInt(id), v);
    else if (this.vectors.size >= this.approximateFrom) this.buildAnn();
  }

  remove(id: number): boolean {
    if (!this.vectors.delete(id)) return false;
    this.ann?.remove(BigInt(id));
    // hysteresis: a collection hovering at the threshold does not rebuild its graph on every change
    if (this.ann && this.vectors.size < this.approximateFrom / 2) this.ann = null;
    return true;
  }

  /** The `k` most similar vectors, best first; `filter` keeps only the ids it accepts. */
  search(query: ArrayLike<number>, k: number, filter?: (id: number) => boolean): VectorHit[] {
    const q = this.normalised(query, 'query vector');
    if (k <= 0 || this.vectors.size === 0) return [];
    return this.ann ? this.searchAnn(q, k, filter) : this.searchExact(q, k, filter);
  }

  private searchExact(q: Float32Array, k: number, filter?: (id: number) => boolean): VectorHit[] {
    // The k best so far, kept sorted; most vectors score below the worst of them and cost one compare
    // (a hit object and a full sort per vector made this 4-5x slower than the dot products themselves).
    const best: VectorHit[] = [];
    for (const [id, v] of this.vectors) {
      if (filter && !filter(id)) continue;
      const score = dot(q, v);
      const worst = best[best.length - 1];
      if (best.length === k && worst && (score < worst.score || (score === worst.score && id > worst.id)))
        continue;
      let i = best.length;
      while (i > 0) {
        const prev = best[i - 1] as VectorHit;
        if (prev.score > score || (prev.score === score && prev.id < id)) break;
        i--;
      }
      best.splice(i, 0, { id, score });
      if (best.length > k) best.pop();
    }
    return best;
  }

  private searchAnn(q: Float32Array, k: number, filter?: (id: number) => boolean): VectorHit[] {
    const ann = this.ann as UsearchIndex;
    // a filter discards candidates after the graph walk: ask for more until enough survive or all were seen
    let want = filter ? k * 4 : k;
    for (;;) {
      const m = ann.search(q, Math.min(want, this.vectors.size), 0);
      const hits: VectorHit[] = [];
      for (const key of m.keys) {
        const id = Number(key);
        const v = this.vectors.get(id);
        if (v && (!filter || filter(id))) hits.push({ id, score: dot(q, v) });
      }
      if (hits.length >= k || want >= this.vectors.size)
        return hits.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
      want *= 4;
    }
  }

  private buildAnn(): void {
    const lib = loadUsearch();
    if (!lib) return;
    const ann = new lib.Index({
      dimensions: this.dimensions,
      metric: 'cos' as never,
      quantization: 'f32' as never,
      connectivity: this.opts.connectivity ?? 16,
      expansion_add: 128,
      expansion_search: this.opts.expansionSearch ?? DEFAULT_EXPANSION_SEARCH,
      multi: false,
    });
    const ids = [...this.vectors.keys()];
    const flat = new Float32Array(ids.length * this.dimensions);
    for (const [i, id] of ids.entries()) flat.set(this.vectors.get(id) as Float32Array, i * this.dimensions);
    ann.add(
      BigUint64Array.from(ids, (id) => BigInt(id)),
      flat,
    );
    this.ann = ann;
  }

  private normalised(vector: ArrayLike<number>, what: string): Float32Array {
    if (vector.length !== this.dimensions)
      throw new RangeError(`${what} has ${vector.length} dimensions, the index has ${this.dimensions}`);
    let norm = 0;
    for (let i = 0; i < vector.length; i++) {
      const x = vector[i] as number;
      if (!Number.isFinite(x)) throw new RangeError(`${what} has a non-finite value at ${i}`);
      norm += x * x;
    }
    if (norm === 0) throw new RangeError(`${what} is all zeros: it has no direction to compare`);
    const s = 1 / Math.sqrt(norm);
    const out = new Float32Array(vector.length);
    for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) * s;
    return out;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Vectors are stored in the database as little-endian float32 bytes. */
export function vectorToBytes(v: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(v);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

export function bytesToVector(b: Uint8Array): Float32Array {
  if (b.byteLength % 4)
    throw new RangeError(`a float32 vector needs a multiple of 4 bytes, got ${b.byteLength}`);
  // copy: the driver's buffer may be pooled and unaligned
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}
