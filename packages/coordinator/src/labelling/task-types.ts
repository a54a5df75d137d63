/**
 * The three task types and how their answers are written. Every answer is a short string so one
 * categorical inference (Dawid–Skene) covers all three: a rating is "1"…"5", a preference "A", "B" or
 * "tie", a ranking the response indices best first joined by commas ("2,0,1").
 */
export const TASK_TYPES = ['rating', 'pairwise', 'ranking'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const RATING_CLASSES = ['1', '2', '3', '4', '5'] as const;
export const PAIRWISE_CLASSES = ['A', 'B', 'tie'] as const;
/** Ranking is limited to k ≤ 6 so the permutations (the classes) stay few enough to estimate. */
export const MAX_RANK_K = 6;

export function isTaskType(s: string): s is TaskType {
  return (TASK_TYPES as readonly string[]).includes(s);
}

/** Why `answer` is not a valid answer for this task, or null when it is. */
export function answerProblem(type: TaskType, k: number, answer: string): string | null {
  switch (type) {
    case 'rating':
      return (RATING_CLASSES as readonly string[]).includes(answer)
        ? null
        : 'a rating must be 1, 2, 3, 4 or 5';
    case 'pairwise':
      return (PAIRWISE_CLASSES as readonly string[]).includes(answer)
        ? null
        : 'a preference must be A, B or tie';
    case 'ranking': {
      const parts = answer.split(',');
      const ok =
        parts.length === k &&
        parts.every((p) => /^\d+$/.test(p) && Number(p) < k) &&
        new Set(parts).size === k;
      return ok
        ? null
        : `a ranking must list the ${k} response indices 0…${k - 1} best first, comma-separated`;
    }
  }
}

/** Every possible answer: the class list handed to inference, so no class goes missing. */
export function answerClasses(type: TaskType, k: number): string[] {
  if (type === 'rating') return [...RATING_CLASSES];
  if (type === 'pairwise') return [...PAIRWISE_CLASSES];
  const out: string[] = [];
  const permute = (prefix: number[], rest: number[]) => {
    if (!rest.length) out.push(prefix.join(','));
    for (const r of rest)
      permute(
        [...prefix, r],
        rest.filter((x) => x !== r),
      );
  };
  permute(
    [],
    Array.from({ length: k }, (_, i) => i),
  );
  return out;
}

/** How many responses an item of this type shows. */
export function responsesPerItem(type: TaskType, k: number): number {
  return type === 'rating' ? 1 : type === 'pairwise' ? 2 : k;
}
