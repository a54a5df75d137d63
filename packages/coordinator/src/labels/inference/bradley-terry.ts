// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds set by the item list
import { readColumns } from './csv.js';
import { InferenceError } from './errors.js';

/** One pairwise judgement: `winner` is `left`, `right`, or anything else for a tie (half a win each). */
export interface PairwiseComparison {
  left: string;
  right: string;
  winner: string;
}

export interface BradleyTerryOptions {
  /**
   * Virtual games (half won, half lost) each item plays against a reference item of strength 1. Keeps
   * scores finite for items that never won or never lost and ties disconnected groups to one scale.
   */
  prior?: number;
  maxIter?: number;
  tol?: number;
}

export interface BradleyTerryResult {
  items: string[];
  /** log strength per item, mean 0; P(a beats b) = σ(score[a] − score[b]). */
  scores: Float64Array;
  /** Item names, strongest first. */
  ranking: string[];
  iterations: number;
}

/**
 * Bradley–Terry model fitted with Hunter's (2004) MM updates, which raise the likelihood every round
 * without step sizes: p_i ← wins_i / Σ_j n_ij / (p_i + p_j).
 */
export function bradleyTerry(
  comparisons: readonly PairwiseComparison[],
  options: BradleyTerryOptions = {},
): BradleyTerryResult {
  const prior = options.prior ?? 0.1;
  const maxIter = options.maxIter ?? 10_000;
  const tol = options.tol ?? 1e-10;
  const items: string[] = [];
  const index = new Map<string, number>();
  const id = (name: string): number => {
    let k = index.get(name);
    if (k === undefined) {
      k = items.length;
      index.set(name, k);
      items.push(name);
    }
    return k;
  };
  // Games per unordered pair, so each round costs O(pairs), not O(comparisons).
  const pairGames = new Map<number, number>();
  const wins: number[] = [];
  const pairKey = (a: number, b: number): number => (a < b ? a * 0x200000 + b : b * 0x200000 + a);
  for (const c of comparisons) {
    if (c.left === c.right) throw new InferenceError('BAD_INPUT', `item "${c.left}" compared with itself`);
    const a = id(c.left);
    const b = id(c.right);
    if (items.length > 0x200000) throw new InferenceError('BAD_INPUT', 'more than 2^21 items');
    pairGames.set(pairKey(a, b), (pairGames.get(pairKey(a, b)) ?? 0) + 1);
    const wa = c.winner === c.left ? 1 : c.winner === c.right ? 0 : 0.5;
    wins[a] = (wins[a] ?? 0) + wa;
    wins[b] = (wins[b] ?? 0) + 1 - wa;
  }
  const N = items.length;
  const P = pairGames.size;
  const pa = new Int32Array(P);
  const pb = new Int32Array(P);
  const games = new Float64Array(P);
  let x = 0;
  for (const [key, g] of pairGames) {
    pa[x] = Math.floor(key / 0x200000);
    pb[x] = key % 0x200000;
    games[x++] = g;
  }
  const p = new Float64Array(N).fill(1);
  const denom = new Float64Array(N);
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    for (let i = 0; i < N; i++) denom[i] = prior / (p[i]! + 1);
    for (let e = 0; e < P; e++) {
      const a = pa[e]!;
      const b = pb[e]!;
      const share = games[e]! / (p[a]! + p[b]!);
      denom[a]! += share;
      denom[b]! += share;
    }
    let change = 0;
    for (let i = 0; i < N; i++) {
      const next = ((wins[i] ?? 0) + prior / 2) / denom[i]!;
      change = Math.max(change, Math.abs(Math.log(next / p[i]!)));
      p[i] = next;
    }
    if (change < tol) break;
  }
  const scores = p.map(Math.log);
  const mean = scores.reduce((s, v) => s + v, 0) / Math.max(N, 1);
  for (let i = 0; i < N; i++) scores[i]! -= mean;
  const ranking = items.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return { items, scores, ranking: ranking.map((i) => items[i] as string), iterations };
}

/** Each ranking (best first) becomes every implied pairwise win, so rankings can feed Bradley–Terry. */
export function rankingsToComparisons(rankings: readonly (readonly string[])[]): PairwiseComparison[] {
  const out: PairwiseComparison[] = [];
  for (const r of rankings) {
    for (let a = 0; a < r.length; a++) {
      for (let b = a + 1; b < r.length; b++) {
        out.push({ left: r[a] as string, right: r[b] as string, winner: r[a] as string });
      }
    }
  }
  return out;
}

/** Parses `left,right,label` CSV (crowd-kit's pairwise layout; `label` names the winner; extra columns ok). */
export function parseComparisonsCsv(text: string): PairwiseComparison[] {
  const cols = readColumns(text, ['left', 'right', 'label'] as const);
  return cols.left.map((left, i) => ({
    left,
    right: cols.right[i] as string,
    winner: cols.label[i] as string,
  }));
}
