// MinHash over word 5-gram shingles with banded LSH (Broder 1997; Leskovec et al.,
// "Mining of Massive Datasets" ch. 3). Hand-written because the npm MinHash packages
// keep per-document JS objects and string-keyed bands, which does not fit a million
// documents in bounded memory; ours is typed arrays end to end.

export const SHINGLE_WORDS = 5;

/** Lower-cased, NFKC, punctuation-free words: the text both dedup kinds compare. */
export function normalizeWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** FNV-1a over UTF-16 code units, then murmur3's finaliser for avalanche. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Distinct shingle hashes of a word list (one shingle for texts shorter than 5 words).
 * Each word is hashed once and a shingle's hash mixes its words' hashes in order, so no
 * shingle string is ever built.
 */
export function shingleHashes(words: string[], n = SHINGLE_WORDS): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  const wh = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) wh[i] = hash32(words[i] as string);
  const set = new Set<number>();
  const last = Math.max(1, words.length - n + 1);
  for (let i = 0; i < last; i++) {
    let h = 0x2545f491;
    const end = Math.min(words.length, i + n);
    for (let k = i; k < end; k++) h = fmix32(Math.imul(h ^ (wh[k] as number), 0x9e3779b1) + k - i);
    set.add(h);
  }
  return Uint32Array.from(set);
}

/** Per-permutation seeds, fixed so signatures are comparable across processes and runs. */
export function permutationSeeds(numPerm: number): Uint32Array {
  const seeds = new Uint32Array(numPerm);
  let x = 0x9e3779b9;
  for (let i = 0; i < numPerm; i++) {
    x = fmix32(x + 0x6d2b79f5);
    seeds[i] = x;
  }
  return seeds;
}

/** signature[i] = min over shingles of fmix32(shingle ^ seed[i]): one random permutation per slot. */
export function minhashSignature(shingles: Uint32Array, seeds: Uint32Array): Uint32Array {
  const sig = new Uint32Array(seeds.length).fill(0xffffffff);
  for (let j = 0; j < shingles.length; j++) {
    const s = shingles[j] as number;
    for (let i = 0; i < seeds.length; i++) {
      const v = fmix32(s ^ (seeds[i] as number));
      if (v < (sig[i] as number)) sig[i] = v;
    }
  }
  return sig;
}

/**
 * Estimated Jaccard similarity: share of equal slots. Stored signatures keep only the low
 * 16 bits of each slot (half the memory); two different slots then agree by chance with
 * probability 1/65536, a negligible bias next to MinHash's own sampling error.
 */
export function signatureSimilarity(a: Uint32Array | Uint16Array, b: Uint32Array | Uint16Array): number {
  let same = 0;
  const mask = a instanceof Uint16Array || b instanceof Uint16Array ? 0xffff : 0xffffffff;
  for (let i = 0; i < a.length; i++) if ((((a[i] as number) ^ (b[i] as number)) & mask) === 0) same++;
  return a.length ? same / a.length : 0;
}

/** 64-bit key of one band (two independent 32-bit hashes of its slots). */
export function bandKey(sig: Uint32Array, band: number, rows: number): bigint {
  let h1 = 0x811c9dc5 ^ band;
  let h2 = 0x01000193 ^ Math.imul(band, 0x9e3779b1);
  for (let i = band * rows; i < (band + 1) * rows; i++) {
    const v = sig[i] as number;
    h1 = fmix32(h1 ^ v);
    h2 = fmix32(Math.imul(h2, 31) + v);
  }
  return (BigInt(h1 >>> 0) << 32n) | BigInt(h2 >>> 0);
}

/**
 * Bands x rows minimising false positives + false negatives around `threshold`
 * (datasketch's _optimal_param, integrated numerically).
 */
export function lshParams(threshold: number, numPerm: number): { bands: number; rows: number } {
  const integrate = (f: (s: number) => number, a: number, b: number) => {
    const steps = 200;
    const h = (b - a) / steps;
    let area = 0;
    for (let i = 0; i < steps; i++) area += f(a + (i + 0.5) * h) * h;
    return area;
  };
  let best = { bands: 1, rows: numPerm, err: Infinity };
  for (let b = 1; b <= numPerm; b++) {
    const maxR = Math.floor(numPerm / b);
    for (let r = 1; r <= maxR; r++) {
      const p = (s: number) => 1 - (1 - s ** r) ** b;
      const fp = integrate(p, 0, threshold);
      const fn = integrate((s) => 1 - p(s), threshold, 1);
      const err = 0.5 * fp + 0.5 * fn;
      if (err < best.err) best = { bands: b, rows: r, err };
    }
  }
  return { bands: best.bands, rows: best.rows };
}
