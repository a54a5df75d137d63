// Publication dates: the formats pages write them in, normalised to ISO 8601. Written by hand: the
// formats are few (ISO, RFC 2822, "March 5, 2025" and its European word orders, dotted and slashed
// numbers, /2025/03/05/ in paths) and a general natural-language parser would also read "in 5 days" or a
// bare "May" as dates, which is exactly what a byline scan must not do.

/** Where a document's date was read: shown with the date so a consumer can weigh it. */
export type DateSource = 'json-ld' | 'meta tag' | 'microdata' | 'time element' | 'visible text' | 'url';

/**
 * ISO 8601 from the formats pages actually use; null when the value is not a date. A time keeps the
 * page's own offset: converting to UTC would move "2023-01-21T19:43-05:00" to the next day, and the day
 * the page states is what a reader means by its date.
 */
export function toIso(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.trim();
  const full =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?/.exec(s);
  if (full) {
    const [, y, mo, d, h, mi, se, tz] = full;
    if (!validDay(Number(y), Number(mo), Number(d))) return null;
    if (!h) return `${y}-${mo}-${d}`;
    const zone = tz ? (tz === 'Z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz) : '';
    return `${y}-${mo}-${d}T${h}:${mi}:${se ?? '00'}${zone}`;
  }
  if (/^\d{4}\/\d{2}\/\d{2}/.test(s)) {
    const [y, mo, d] = s.slice(0, 10).split('/').map(Number) as [number, number, number];
    return validDay(y, mo, d) ? s.slice(0, 10).replace(/\//g, '-') : null;
  }
  // RFC 2822 and other dates with a time of day: the engine's parser keeps the time
  const t = /\d{1,2}:\d{2}/.test(s) && /\d{4}/.test(s) ? Date.parse(s) : Number.NaN;
  if (!Number.isNaN(t)) return new Date(t).toISOString();
  return dateInText(s);
}

const MONTHS: Record<string, number> = {};
// English, German, French, Spanish, Italian, Portuguese and Dutch names; a prefix of 3+ letters matches
for (const [names, n] of [
  ['january januar janvier enero gennaio janeiro januari jänner', 1],
  ['february februar février fevrier febrero febbraio fevereiro februari', 2],
  ['march märz maerz mars marzo março maart', 3],
  ['april avril abril aprile', 4],
  ['may mai mayo maggio maio mei', 5],
  ['june juni juin junio giugno junho', 6],
  ['july juli juillet julio luglio julho', 7],
  ['august août aout agosto augustus', 8],
  ['september septembre septiembre setiembre settembre setembro', 9],
  ['october oktober octobre octubre ottobre outubro', 10],
  ['november novembre noviembre novembro', 11],
  ['december dezember décembre decembre diciembre dicembre dezembro', 12],
] as const) {
  for (const name of names.split(' ')) MONTHS[name] = n;
}
const ABBREV: Record<string, number> = {};
for (const [name, n] of Object.entries(MONTHS)) {
  const a = name.slice(0, 3);
  // "mar" is March in English and "mai" May in French/German: only unambiguous three-letter prefixes
  if (ABBREV[a] === undefined) ABBREV[a] = n;
  else if (ABBREV[a] !== n) ABBREV[a] = 0;
}
ABBREV.sept = 9;

function monthOf(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, '');
  const full = MONTHS[w];
  if (full) return full;
  if (w.length === 3 || w === 'sept') return ABBREV[w] || null;
  return null;
}

function validDay(y: number, mo: number, d: number): boolean {
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, mo: number, d: number) => (validDay(y, mo, d) ? `${y}-${pad(mo)}-${pad(d)}` : null);

const L = '\\p{L}';
// "March 5, 2025" · "Mar. 5th 2025" · "Thursday, March 5, 2025"
const MDY = new RegExp(`(?<![${L}])([${L}]{3,9})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})(?!\\d)`, 'u');
// "5 March 2025" · "5. März 2025" · "5 de marzo de 2025" · "le 5 mars 2025" · "5th Mar, 2025"
const DMY = new RegExp(
  `(?<!\\d)(\\d{1,2})(?:st|nd|rd|th|\\.|º)? (?:de )?([${L}]{3,10})\\.?,? (?:de )?(\\d{4})(?!\\d)`,
  'u',
);
const ISO_IN_TEXT = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/;
// 05.03.2025 is day first wherever dots are used; 03/05/2025 is month first in US English
const DOTTED = /(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/;
const SLASHED = /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?!\d)/;

/**
 * The first date written in a short text ("Published March 5, 2025 · 4 min read"), as YYYY-MM-DD; null
 * when there is none. `lang` decides 03/05/2025 (month first only in English without a GB-like region).
 */
export function dateInText(text: string, lang?: string | null): string | null {
  let best: { at: number; iso: string } | null = null;
  const consider = (at: number, iso: string | null) => {
    if (iso && (!best || at < best.at)) best = { at, iso };
  };
  let m = MDY.exec(text);
  if (m) {
    const mo = monthOf(m[1] as string);
    if (mo) consider(m.index, ymd(Number(m[3]), mo, Number(m[2])));
  }
  m = DMY.exec(text);
  if (m) {
    const mo = monthOf(m[2] as string);
    if (mo) consider(m.index, ymd(Number(m[3]), mo, Number(m[1])));
  }
  m = ISO_IN_TEXT.exec(text);
  if (m) consider(m.index, ymd(Number(m[1]), Number(m[2]), Number(m[3])));
  m = DOTTED.exec(text);
  if (m) consider(m.index, ymd(Number(m[3]), Number(m[2]), Number(m[1])));
  m = SLASHED.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const monthFirst = a > 12 ? false : b > 12 ? true : /^en(-us)?$/i.test(lang ?? 'en');
    consider(m.index, monthFirst ? ymd(Number(m[3]), a, b) : ymd(Number(m[3]), b, a));
  }
  return (best as { iso: string } | null)?.iso ?? null;
}

/** A date spelled in a URL's path: /2025/03/05/, /2025-03-05-title; null when the path has none. */
export function dateInUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const m = /\/((?:19|20)\d{2})[/_-](\d{1,2})[/_-](\d{1,2})(?:[/_-]|\.html?$|$)/.exec(path);
  return m ? ymd(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}
