/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): merges ranked lists whose scores are
 * not comparable (bm25 / ts_rank_cd against cosine similarity) using ranks only:
 * score(d) = Σ_lists weight / (k + rank(d)), rank 1-based. k = 60 is the paper's constant.
 */
export interface RrfOptions<T> {
  /** Identity of an item across lists (e.g. the chunk id). */
  key: (item: T) => string | number;
  /** Default 60. */
  k?: number;
  /** One weight per list (default 1 each). */
  weights?: readonly number[];
  /** Keep the best `limit` (default: all). */
  limit?: number;
}

export interface Fused<T> {
  key: string | number;
  /** The item as it appeared in the first list that has it. */
  item: T;
  score: number;
  /** 1-based rank in each input list, null where absent. */
  ranks: (number | null)[];
}

export function reciprocalRankFusion<T>(lists: readonly (readonly T[])[], opts: RrfOptions<T>): Fused<T>[] {
  const k = opts.k ?? 60;
  if (!(k >= 0)) throw new RangeError(`RRF k must be >= 0, got ${k}`);
  if (opts.weights && opts.weights.length !== lists.length)
    throw new RangeError(`RRF got ${opts.weights.length} weights for ${lists.length} lists`);
  const byKey = new Map<string | number, Fused<T> & { first: number }>();
  let order = 0;
  lists.forEach((list, li) => {
    const w = opts.weights?.[li] ?? 1;
    list.forEach((item, i) => {
      const key = opts.key(item);
      let f = byKey.get(key);
      if (!f) {
        f = { key, item, score: 0, ranks: lists.map(() => null), first: order++ };
        byKey.set(key, f);
      }
      // a list that repeats an item counts its best rank only
      if (f.ranks[li] !== null) return;
      f.ranks[li] = i + 1;
      f.score += w / (k + i + 1);
    });
  });
  // ties keep first-seen order, so equal evidence favours the earlier (e.g. keyword) list
  const out = [...byKey.values()].sort((a, b) => b.score - a.score || a.first - b.first);
  return out.slice(0, opts.limit ?? out.length).map(({ first: _first, ...f }) => f);
}
