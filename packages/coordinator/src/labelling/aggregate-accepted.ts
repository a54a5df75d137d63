import { inferTruth } from './spam-detect.js';

export interface AcceptedAggregate {
  /** Inferred answer per item. */
  labels: Map<string, string>;
  /** P(inferred answer is right) per item. */
  confidence: Map<string, number>;
  /** Full posterior per item, by answer. */
  posterior: Map<string, Map<string, number>>;
}

/**
 * The project's answer for each item from the labels of workers not flagged, by Dawid–Skene with gold
 * items fixed to their known answer. Flagged workers' labels are dropped, not down-weighted.
 */
export function aggregateAccepted(
  events: readonly { task: string; worker: string; label: string }[],
  gold: ReadonlyMap<string, string>,
  allClasses: readonly string[],
  flagged: ReadonlySet<string>,
): AcceptedAggregate {
  const kept = events.filter((e) => !flagged.has(e.worker));
  const out: AcceptedAggregate = { labels: new Map(), confidence: new Map(), posterior: new Map() };
  if (!kept.length) return out;
  const present = new Set([...kept.map((e) => e.label), ...gold.values()]);
  const classes = allClasses.filter((c) => present.has(c));
  const truth = inferTruth(kept, gold, classes);
  const K = classes.length;
  truth.set.tasks.forEach((task, t) => {
    const row = new Map<string, number>();
    let best = 0;
    for (let k = 0; k < K; k++) {
      row.set(classes[k] as string, truth.posterior[t * K + k] as number);
      if ((truth.posterior[t * K + k] as number) > (truth.posterior[t * K + best] as number)) best = k;
    }
    out.labels.set(task, classes[best] as string);
    out.confidence.set(task, truth.posterior[t * K + best] as number);
    out.posterior.set(task, row);
  });
  return out;
}
