import { createHash } from 'node:crypto';
import type { AcceptedAggregate } from './aggregate-accepted.js';
import type { LabelItem } from './items-file.js';
import type { TaskType } from './task-types.js';

/** TRL's preference layout (prompt, chosen, rejected), with the item it came from. */
export interface PreferenceRow {
  item_id: string;
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface RatingRow {
  item_id: string;
  prompt: string;
  response: string;
  score: number;
  /** P(the exported answer is the true one) under the aggregate. */
  confidence: number;
}

/**
 * Turns aggregated answers into dataset rows. Ratings: the rating itself. Pairwise: the preferred
 * response is chosen (ties give no preference row) and each response scores P(preferred) + P(tie)/2.
 * Ranking: every ordered pair of the aggregated ranking is a preference, and a response scores k minus
 * its position (k for the best).
 */
export function exportRows(
  type: TaskType,
  items: readonly LabelItem[],
  agg: AcceptedAggregate,
): { preferences: PreferenceRow[]; ratings: RatingRow[] } {
  const preferences: PreferenceRow[] = [];
  const ratings: RatingRow[] = [];
  for (const it of items) {
    const label = agg.labels.get(it.id);
    if (label === undefined) continue;
    const confidence = round4(agg.confidence.get(it.id) ?? 0);
    const post = agg.posterior.get(it.id) ?? new Map<string, number>();
    if (type === 'rating') {
      ratings.push({
        item_id: it.id,
        prompt: it.prompt,
        response: it.responses[0] as string,
        score: Number(label),
        confidence,
      });
    } else if (type === 'pairwise') {
      const [a, b] = it.responses as [string, string];
      const item_id = it.id;
      if (label === 'A') preferences.push({ item_id, prompt: it.prompt, chosen: a, rejected: b });
      if (label === 'B') preferences.push({ item_id, prompt: it.prompt, chosen: b, rejected: a });
      const tie = (post.get('tie') ?? 0) / 2;
      const score = (x: string) => round4((post.get(x) ?? 0) + tie);
      ratings.push({ item_id, prompt: it.prompt, response: a, score: score('A'), confidence });
      ratings.push({ item_id, prompt: it.prompt, response: b, score: score('B'), confidence });
    } else {
      const order = label.split(',').map(Number);
      order.forEach((r, pos) => {
        ratings.push({
          item_id: it.id,
          prompt: it.prompt,
          response: it.responses[r] as string,
          score: order.length - pos,
          confidence,
        });
        for (const worse of order.slice(pos + 1))
          preferences.push({
            item_id: it.id,
            prompt: it.prompt,
            chosen: it.responses[r] as string,
            rejected: it.responses[worse] as string,
          });
      });
    }
  }
  return { preferences, ratings };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** One labeller's answer to one item, as given: the raw annotation behind the aggregate. */
export interface AnnotationRow {
  item_id: string;
  /** A per-project pseudonym of the labeller (the same labeller has another one in another project). */
  labeller: string;
  answer: string;
  /** Time on the task as the coordinator measured it (issue to answer). */
  ms: number;
  /** False when the labeller was flagged (open or confirmed) and the answer left out of the aggregate. */
  kept: boolean;
  /** True on a gold item, whose answer is known and checks the labeller. */
  gold_item: boolean;
}

/**
 * Every submitted answer, in submission order, so a buyer can re-aggregate or audit the labels. Labellers
 * appear under a pseudonym derived from the project id: within a project answers stay linkable, across
 * projects they do not.
 */
export function annotationRows(
  projectId: string,
  events: readonly { task: string; worker: string; label: string; ms: number }[],
  flagged: ReadonlySet<string>,
  goldItems: ReadonlySet<string>,
): AnnotationRow[] {
  const alias = new Map<string, string>();
  const pseudonym = (w: string) => {
    let a = alias.get(w);
    if (!a) {
      a = `l_${createHash('sha256').update(`${projectId}\n${w}`).digest('hex').slice(0, 16)}`;
      alias.set(w, a);
    }
    return a;
  };
  return events.map((e) => ({
    item_id: e.task,
    labeller: pseudonym(e.worker),
    answer: e.label,
    ms: e.ms,
    kept: !flagged.has(e.worker),
    gold_item: goldItems.has(e.task),
  }));
}
