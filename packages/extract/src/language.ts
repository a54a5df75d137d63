import { eld } from 'eld/small';

// eld (Nito-ELD) is a pure-JS n-gram detector that ships its model inside the npm
// package and returns ISO 639-1 codes directly; the 'small' database loads once at import.

const SAMPLE = 4000;

/** ISO 639-1 code of the text, else the page's declared `lang` primary subtag, else null. */
export function detectLanguage(text: string, declared?: string | null): string | null {
  const hint = declared ? (declared.trim().toLowerCase().split(/[-_]/)[0] ?? '') : '';
  const fromHint = /^[a-z]{2}$/.test(hint) ? hint : null;
  if (text.length < 20) return fromHint;
  const r = eld.detect(text.length > SAMPLE ? text.slice(0, SAMPLE) : text);
  if (r.language && (r.isReliable() || !fromHint)) return r.language;
  return fromHint ?? (r.language || null);
}
