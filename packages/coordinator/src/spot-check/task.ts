/** A spot-check fetch, kept in the frontier row's `detail` as JSON. */
export interface SpotCheckTask {
  /** The capture being checked. */
  captureId: string;
  /** 1: a second node fetches; 2: a third node breaks a disagreement. */
  round: 1 | 2;
  /** Nodes that may not do this check (the original node, and in round 2 the first checker). */
  exclude: string[];
}

export const SPOT_CHECK_JOB_PREFIX = '_spotcheck:';

/**
 * The capture and round a check's pseudo-job names (`_spotcheck:<captureId>:<round>`, spot-checks.ts): what a
 * check's row still says once its detail holds a failure's message instead of the task.
 */
export function taskOfJob(jobId: string): { captureId: string; round: 1 | 2 } | null {
  const m = /^_spotcheck:(.+):([12])$/.exec(jobId);
  return m ? { captureId: m[1] as string, round: Number(m[2]) as 1 | 2 } : null;
}

export function parseSpotCheckTask(detail: string | null): SpotCheckTask | null {
  if (!detail) return null;
  try {
    const t = JSON.parse(detail) as SpotCheckTask;
    return typeof t.captureId === 'string' && Array.isArray(t.exclude) ? t : null;
  } catch {
    return null;
  }
}
