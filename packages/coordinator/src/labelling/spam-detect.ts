import {
  dawidSkene,
  encodeGold,
  krippendorffAlphaNominal,
  type LabelSet,
  labelSetFromRows,
} from '../labels/inference/index.js';

/** One submitted label with how long the worker took and the least time a reader needs for that item. */
export interface LabelEvent {
  task: string;
  worker: string;
  label: string;
  ms: number;
  minMs: number;
}

export type SpamReason = 'fast' | 'constant' | 'low-accuracy' | 'gold-failed';

export interface WorkerVerdict {
  worker: string;
  answers: number;
  goldAnswered: number;
  goldCorrect: number;
  /** Share of answers matching the inferred truth, shrunk toward the crowd's median for small samples. */
  accuracy: number;
  /** Share of answers given faster than a human can read the item. */
  fastShare: number;
  /** Share of the worker's most frequent answer. */
  topShare: number;
  medianMs: number;
  reasons: SpamReason[];
}

export interface SpamOptions {
  /** Answers needed before accuracy or sameness can flag a worker (default 8). */
  minAnswers?: number;
  /** Pseudo-answers at the crowd median that small samples are shrunk toward (default 5). */
  priorStrength?: number;
  /** Top-answer share that counts as always giving the same answer (default 0.9). */
  constantShare?: number;
  /** Share of too-fast answers that flags a worker, once they have 5 answers (default 0.5). */
  fastShare?: number;
  /** A gold record this unlikely for an honest worker flags (binomial lower tail; default 0.01). */
  goldPValue?: number;
}

export interface SpamReport {
  verdicts: WorkerVerdict[];
  /** Accuracy of the best constant answer: what a worker who does not read reaches. */
  chance: number;
  /** Median accuracy of the crowd. */
  median: number;
  /** Below this shrunk accuracy a worker is flagged: 40% of the way from chance to the crowd median. */
  threshold: number;
  alphaAll: number;
  alphaAccepted: number;
}

/** Where between chance (0) and the crowd's median accuracy (1) the flagging line sits; tuned on dev sets. */
const THRESHOLD_SHARE = 0.4;

/**
 * Finds spammers and bots from four signals: time per task against reading time, always the same
 * answer, accuracy against the truth inferred by Dawid–Skene with the gold items fixed, and gold items
 * failed beyond what an honest worker's bad luck explains. Accuracy is agreement with the truth, never
 * informativeness: a worker who is always wrong is flagged, not inverted and valued. Two rounds: the
 * second re-infers the truth without the first round's flags, so bots cannot drag it.
 */
export function detectSpammers(
  events: readonly LabelEvent[],
  gold: ReadonlyMap<string, string>,
  allClasses: readonly string[],
  opts: SpamOptions = {},
): SpamReport {
  const minAnswers = opts.minAnswers ?? 8;
  const strength = opts.priorStrength ?? 5;
  const constantShare = opts.constantShare ?? 0.9;
  const fastLimit = opts.fastShare ?? 0.5;
  const goldP = opts.goldPValue ?? 0.01;
  // Only the answers in use become classes: k! permutations of a ranking would swamp the inference.
  const present = new Set([...events.map((e) => e.label), ...gold.values()]);
  const classes = allClasses.filter((c) => present.has(c));
  const byWorker = groupBy(events, (e) => e.worker);
  const alphaAll = nominalAlpha(events, classes);

  const round = (excluded: ReadonlySet<string>) => {
    const kept = events.filter((e) => !excluded.has(e.worker));
    const truth = inferTruth(kept.length ? kept : events, gold, classes);
    const chance = Math.max(...truth.priors);
    const raw = new Map<string, { hits: number; n: number }>();
    for (const e of events) {
      const r = raw.get(e.worker) ?? { hits: 0, n: 0 };
      r.n++;
      r.hits += truth.prob(e.task, e.label);
      raw.set(e.worker, r);
    }
    const honestish = [...raw]
      .filter(([w, r]) => !excluded.has(w) && r.n >= minAnswers)
      .map(([, r]) => r.hits / r.n);
    const median = honestish.length ? quantile(honestish, 0.5) : 1;
    const threshold = chance + THRESHOLD_SHARE * (Math.max(median, chance) - chance);
    const verdicts: WorkerVerdict[] = [];
    for (const [worker, list] of byWorker) {
      const r = raw.get(worker) as { hits: number; n: number };
      const accuracy = (r.hits + strength * median) / (r.n + strength);
      const goldList = list.filter((e) => gold.has(e.task));
      const goldCorrect = goldList.filter((e) => gold.get(e.task) === e.label).length;
      const counts = countBy(list, (e) => e.label);
      const topShare = Math.max(...counts.values()) / list.length;
      const fastShare = list.filter((e) => e.ms < e.minMs).length / list.length;
      const reasons: SpamReason[] = [];
      if (list.length >= 5 && fastShare >= fastLimit) reasons.push('fast');
      // Same answer every time is only suspect when the items themselves do not all have that answer.
      const top = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      const deserved = list.reduce((s, e) => s + truth.prob(e.task, top), 0) / list.length;
      if (list.length >= minAnswers && topShare >= constantShare && deserved < topShare - 0.4)
        reasons.push('constant');
      if (list.length >= minAnswers && accuracy < threshold) reasons.push('low-accuracy');
      const honestRate = Math.min(Math.max(median, chance), 0.95);
      if (binomialCdf(goldCorrect, goldList.length, honestRate) < goldP) reasons.push('gold-failed');
      verdicts.push({
        worker,
        answers: list.length,
        goldAnswered: goldList.length,
        goldCorrect,
        accuracy,
        fastShare,
        topShare,
        medianMs: quantile(
          list.map((e) => e.ms),
          0.5,
        ),
        reasons,
      });
    }
    return { verdicts, chance, median, threshold };
  };

  const first = round(new Set());
  const second = round(new Set(first.verdicts.filter((v) => v.reasons.length).map((v) => v.worker)));
  const flagged = new Set(second.verdicts.filter((v) => v.reasons.length).map((v) => v.worker));
  const accepted = events.filter((e) => !flagged.has(e.worker));
  const alphaAccepted = nominalAlpha(accepted, classes);
  return { ...second, alphaAll, alphaAccepted };
}

/** Dawid–Skene over `events` with gold fixed; `prob(task, label)` is P(truth = label), 0 for unseen tasks. */
export function inferTruth(
  events: readonly { task: string; worker: string; label: string }[],
  gold: ReadonlyMap<string, string>,
  classes: readonly string[],
): { set: LabelSet; posterior: Float64Array; priors: number[]; prob(task: string, label: string): number } {
  const set = labelSetFromRows(events, classes);
  const ds = dawidSkene(set, { gold: encodeGold(set, gold) });
  const K = classes.length;
  const taskIndex = new Map(set.tasks.map((t, i) => [t, i]));
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  // Priors over the answers actually given: classes nobody uses (an unused tie, say) must not set chance.
  const priors = [...ds.priors];
  return {
    set,
    posterior: ds.posterior,
    priors,
    prob(task, label) {
      const t = taskIndex.get(task);
      const k = classIndex.get(label);
      return t === undefined || k === undefined ? 0 : (ds.posterior[t * K + k] as number);
    },
  };
}

/** Krippendorff's alpha (nominal) of these labels over the classes in use; NaN when there are none. */
export function nominalAlpha(
  events: readonly { task: string; worker: string; label: string }[],
  allClasses: readonly string[],
): number {
  if (!events.length) return Number.NaN;
  const present = new Set(events.map((e) => e.label));
  return krippendorffAlphaNominal(
    labelSetFromRows(
      events,
      allClasses.filter((c) => present.has(c)),
    ),
  );
}

/** P(X ≤ x) for X ~ Binomial(n, p). */
export function binomialCdf(x: number, n: number, p: number): number {
  if (n === 0) return 1;
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 1; i <= x; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}
