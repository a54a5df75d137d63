import { parseDictionary, Token } from 'structured-headers';
import { combinePreferences, type Preference, type UsagePurpose } from './purpose.js';

/**
 * IETF AIPREF statements of preference (draft-ietf-aipref-vocab-08, 14 Sep 2026): an RFC 9651
 * Dictionary whose keys are usage categories and whose values are the Tokens `y` or `n` (§6).
 * Anything else — a parse failure, a String "n", a Boolean, an unknown key — leaves the category
 * unknown; it is never an error (§6.5).
 */

/** vocab-08 §6.1 Table 1, and the Sward purpose each category governs. */
export const AIPREF_CATEGORIES = {
  'train-ai': 'train',
  'ai-use': 'input',
  search: 'index',
} as const satisfies Record<string, UsagePurpose>;

/**
 * Labels of earlier revisions (vocab-00 to -04), which vocab-08 §6.4 says to ignore. Sward's own,
 * documented policy: a legacy `n` still restricts the purposes it covered (a publisher who wrote
 * `all=n` meant "no"), and a legacy `y` grants nothing.
 */
export const AIPREF_LEGACY_RESTRICTS: Readonly<Record<string, readonly UsagePurpose[]>> = {
  all: ['train', 'input', 'index'],
  bots: ['train', 'input', 'index'],
  tdm: ['train', 'input', 'index'],
  ai: ['train'],
  genai: ['train'],
  'train-genai': ['train'],
  inference: ['input'],
  'ai-output': ['input', 'index'],
};

export interface AiprefStatement {
  /** Known labels (current and legacy) with an explicit `y` or `n`. */
  prefs: Readonly<Record<string, 'y' | 'n'>>;
  /** Why the text did not parse as a Dictionary (then every category is unknown). */
  problem?: string;
}

const known = (label: string) => label in AIPREF_CATEGORIES || label in AIPREF_LEGACY_RESTRICTS;

export function parseAiprefStatement(text: string): AiprefStatement {
  let dict: ReturnType<typeof parseDictionary>;
  try {
    dict = parseDictionary(text);
  } catch (err) {
    return { prefs: {}, problem: `not an RFC 9651 dictionary: ${(err as Error).message}` };
  }
  const prefs: Record<string, 'y' | 'n'> = {};
  for (const [label, [value]] of dict) {
    if (!known(label) || !(value instanceof Token)) continue;
    const v = value.toString();
    if (v === 'y' || v === 'n') prefs[label] = v;
  }
  return { prefs };
}

export interface AiprefVerdict {
  preference: Preference;
  /** The label and value that decided it, e.g. `train-ai=n`; absent when unknown. */
  label?: string;
}

/** What one statement says about a purpose: a legacy `n` or the category's own value. */
export function aiprefFor(statement: AiprefStatement, purpose: UsagePurpose): AiprefVerdict {
  for (const [label, purposes] of Object.entries(AIPREF_LEGACY_RESTRICTS)) {
    if (purposes.includes(purpose) && statement.prefs[label] === 'n')
      return { preference: 'deny', label: `${label}=n` };
  }
  const category = Object.entries(AIPREF_CATEGORIES).find(([, p]) => p === purpose)?.[0];
  const value = category ? statement.prefs[category] : undefined;
  if (value === undefined || category === undefined) return { preference: 'unknown' };
  return { preference: value === 'n' ? 'deny' : 'allow', label: `${category}=${value}` };
}

/** Several statements about one asset (vocab-08 §5.1): the most restrictive applies. */
export function combineAiprefVerdicts(verdicts: readonly AiprefVerdict[]): AiprefVerdict {
  const preference = combinePreferences(verdicts.map((v) => v.preference));
  return verdicts.find((v) => v.preference === preference) ?? { preference };
}
