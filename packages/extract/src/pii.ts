// Regex PII redaction. Hand-written: the npm PII packages are either NER models (too big
// and slow for a per-page hot path) or unmaintained; these kinds are well served by
// patterns plus a validation step that keeps dates, versions and prices out (and a Luhn
// check for card numbers).
//
// Every detector runs on the original text and reports spans; spans inside a URL or a Markdown link
// target are dropped (a link must keep working: `http://127.0.0.1:8080/a` is an address, not a leak),
// overlapping spans are resolved by position, and only the chosen spans are replaced. Nothing outside
// a reported span changes (pii.test.ts checks that as a property).

export type PiiKind = 'email' | 'phone' | 'ip' | 'card';
export type PiiCounts = Record<PiiKind, number>;
export const PII_KINDS: readonly PiiKind[] = ['email', 'card', 'ip', 'phone'];

/** Which kinds to redact: true/false for all, or per kind (kinds left out are redacted). */
export type PiiOption = boolean | Partial<Record<PiiKind, boolean>>;

/**
 * The extractor's option from a job's `keepPii` (what to keep, the crawl request's field): nothing said
 * redacts everything; `true` keeps everything; per kind, a kept kind is not redacted and the rest are.
 */
export function redactionFromKeep(keep: boolean | Partial<Record<PiiKind, boolean>> | undefined): PiiOption {
  if (keep === undefined) return true;
  if (typeof keep === 'boolean') return !keep;
  const out: Partial<Record<PiiKind, boolean>> = {};
  for (const k of PII_KINDS) if (keep[k] !== undefined) out[k] = !keep[k];
  return out;
}

export const PII_PLACEHOLDER: Record<PiiKind, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  ip: '[IP]',
  card: '[CARD]',
};

export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

export const zeroPiiCounts = (): PiiCounts => ({ email: 0, phone: 0, ip: 0, card: 0 });

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])/g;
// a full stop, comma or colon after the address ends it ("… from 10.0.0.1.") unless a digit follows
const IPV4 =
  /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g;
const IPV6 =
  /(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![\w:])/g;
const PHONE =
  /(?<![\w+/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]\d{2,5}){1,4}(?![\w/]|[.-]\d)/g;
/** E.164 written without separators: +441632960961 */
const E164 = /(?<![\w+])\+[1-9]\d{7,14}(?!\w)/g;
/** 13–19 digits, optionally in groups split by single spaces or hyphens (Luhn-checked below). */
const CARD = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w]|[.-]\d)/g;
/** What must stay byte for byte: URLs, bare www. hosts, and Markdown link/image targets. */
const PROTECTED = /\b(?:https?|ftp):\/\/[^\s<>"'`\]]+|\bwww\.[^\s<>"'`\]]+|\]\([^)\s]*(?:\s+"[^"]*")?\)/g;

function isPhone(m: string): boolean {
  const digits = m.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15) return false;
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(m) || /^\d{1,2}[-./]\d{1,2}[-./]\d{4}$/.test(m)) return false; // dates
  const seps = m.match(/[\s.-]/g)?.length ?? 0;
  if (m.startsWith('+') || m.includes('(')) return true;
  if (/^\d{4}\s\d{4}$/.test(m)) return false; // "2019 2020"
  if (isRangeList(m)) return false;
  return seps >= 2;
}

/**
 * "101-150 151-200": two or more ranges, each rising ("A-B" with A < B), as a paginated list or a price table
 * prints them; a phone number's hyphenated groups do not stand in whitespace-separated pairs that each rise.
 */
function isRangeList(m: string): boolean {
  const tokens = m.split(/\s+/);
  if (tokens.length < 2) return false;
  return tokens.every((t) => {
    const r = /^(\d+)-(\d+)$/.exec(t);
    return r !== null && Number(r[1]) < Number(r[2]);
  });
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isCard(m: string): boolean {
  const digits = m.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19 || !luhn(digits)) return false;
  // one separator style, in groups of at least 4 (as printed on cards), or none
  const seps = m.match(/[ -]/g) ?? [];
  if (seps.length && new Set(seps).size > 1) return false;
  return seps.length === 0 || m.split(/[ -]/).every((g) => g.length >= 4);
}

function isIpv6(m: string): boolean {
  return /[0-9a-f]{1,4}:[0-9a-f]{0,4}:/i.test(m) && !/^\d{1,2}:\d{2}(:\d{2})?$/.test(m);
}

const DETECTORS: {
  kind: PiiKind;
  re: RegExp;
  ok?: (m: string) => boolean;
  /** A cheap test every text the expression finds something in passes (so a text failing it is skipped). */
  may: (text: string) => boolean;
}[] = [
  { kind: 'email', re: EMAIL, may: (t) => t.includes('@') },
  { kind: 'card', re: CARD, ok: isCard, may: () => true },
  { kind: 'ip', re: IPV4, may: () => true },
  { kind: 'ip', re: IPV6, ok: isIpv6, may: mayHoldIpv6 },
  { kind: 'phone', re: E164, may: (t) => t.includes('+') },
  { kind: 'phone', re: PHONE, ok: isPhone, may: () => true },
];

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * IPV6's first form is 8 groups of 1 to 4 hex digits joined by 7 colons, its other forms hold '::': a text
 * holds '::' or 7 colons each 1 to 4 hex digits from the next, or the expression finds nothing in it.
 */
function mayHoldIpv6(text: string): boolean {
  if (text.includes('::')) return true;
  let chain = 0;
  let last = -10;
  for (let at = text.indexOf(':'); at >= 0; at = text.indexOf(':', at + 1)) {
    let hex = at - last >= 2 && at - last <= 5;
    for (let i = last + 1; hex && i < at; i++) hex = isHex(text.charCodeAt(i));
    chain = hex ? chain + 1 : 1;
    if (chain >= 7) return true;
    last = at;
  }
  return false;
}

const wanted = (opt: PiiOption | undefined, kind: PiiKind): boolean =>
  opt === undefined || opt === true ? true : opt === false ? false : opt[kind] !== false;

/**
 * The PII spans of `text` for the kinds `opt` asks for, in order, not overlapping each other, none inside
 * a URL or a Markdown link target. Detectors earlier in DETECTORS win a tie (an email's digits are not a
 * phone number).
 */
export function findPii(text: string, opt?: PiiOption): PiiSpan[] {
  // one byte per character: 1 inside a URL or link target, 2 inside a span already taken (linear, where
  // pairwise overlap checks would be quadratic on a page of a thousand phone numbers); made when the first
  // such span is met (until then every character is free)
  let mark: Uint8Array | null = null;
  const fill = (v: number, a: number, b: number) => {
    mark ??= new Uint8Array(text.length);
    mark.fill(v, a, b);
  };
  PROTECTED.lastIndex = 0;
  for (let m = PROTECTED.exec(text); m; m = PROTECTED.exec(text)) fill(1, m.index, m.index + m[0].length);
  const free = (a: number, b: number) => {
    if (mark) for (let i = a; i < b; i++) if (mark[i]) return false;
    return true;
  };
  const taken: PiiSpan[] = [];
  for (const { kind, re, ok, may } of DETECTORS) {
    if (!wanted(opt, kind) || !may(text)) continue;
    // exec from lastIndex 0 to the end (it resets lastIndex there): no expression here matches empty text
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if ((ok && !ok(m[0])) || !free(start, end)) continue;
      fill(2, start, end);
      taken.push({ kind, start, end });
    }
  }
  return taken.sort((a, b) => a.start - b.start);
}

/** Replaces the PII `opt` asks for by typed placeholders; counts what it replaced into `counts`. */
export function redactPii(
  text: string,
  counts: PiiCounts = zeroPiiCounts(),
  opt?: PiiOption,
): { text: string; counts: PiiCounts; spans: PiiSpan[] } {
  const spans = findPii(text, opt);
  if (!spans.length) return { text, counts, spans };
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + PII_PLACEHOLDER[s.kind];
    at = s.end;
    counts[s.kind]++;
  }
  return { text: out + text.slice(at), counts, spans };
}
