/**
 * What a job will do with a page. Each publisher vocabulary names these uses differently; the
 * mapping lives beside each parser (aipref.ts, content-signals.ts, rsl-terms.ts) and in docs/PUBLISHERS.md.
 */
export const USAGE_PURPOSES = ['train', 'input', 'index'] as const;
export type UsagePurpose = (typeof USAGE_PURPOSES)[number];

/** A stated preference about one use; absence of a statement is `unknown`, never a grant. */
export type Preference = 'allow' | 'deny' | 'unknown';

/** Most restrictive wins (draft-ietf-aipref-vocab-08 §5.1): any deny, else any allow, else unknown. */
export function combinePreferences(prefs: Iterable<Preference>): Preference {
  let out: Preference = 'unknown';
  for (const p of prefs) {
    if (p === 'deny') return 'deny';
    if (p === 'allow') out = 'allow';
  }
  return out;
}
