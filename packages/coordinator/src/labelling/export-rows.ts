import type { AcceptedAggregate } from './aggregate-accepted.js';
import type { LabelItem } from './items-file.js';
import type { TaskType } from './task-types.js';

/** TRL's preference layout. */
export interface PreferenceRow {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface RatingRow {
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
        prompt: it.prompt,
        response: it.responses[0] as string,
        score: Number(label),
        confidence,
      });
    } else if (type === 'pairwise') {
      const [a, b] = it.responses as [string, string];
      if (label === 'A') preferences.push({ prompt: it.prompt, chosen: a, rejected: b });
      if (label === 'B') preferences.push({ prompt: it.prompt, chosen: b, rejected: a });
      const tie = (post.get('tie') ?? 0) / 2;
      ratings.push({ prompt: it.prompt, response: a, score: round4((post.get('A') ?? 0) + tie), confidence });
      ratings.push({ prompt: it.prompt, response: b, score: round4((post.get('B') ?? 0) + tie), confidence });
    } else {
      const order = label.split(',').map(Number);
      order.forEach((r, pos) => {
        ratings.push({
          prompt: it.prompt,
          response: it.responses[r] as string,
          score: order.length - pos,
          confidence,
        });
        for (const worse of order.slice(pos + 1))
          preferences.push({
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
