import { splitPathValue } from './content-usage-rules.js';
import type { Preference, UsagePurpose } from './purpose.js';
import type { RobotsLine } from './robots-groups.js';

/**
 * Cloudflare Content Signals (contentsignals.org; draft-romm-aipref-contentsignals-00 §3, §4):
 * `Content-Signal: search=yes, ai-input=no, ai-train=no` in a robots.txt group, optionally scoped by a
 * leading path as Content-Usage rules are. The policy text: "yes" grants, "no" restricts, a missing
 * signal "neither grants nor restricts". The same value is also sent as a `Content-Signal` response
 * header by some hosts.
 */

/** Table 1 of the draft, and the Sward purpose each signal governs. */
export const CONTENT_SIGNAL_CATEGORIES = {
  'ai-train': 'train',
  'ai-input': 'input',
  search: 'index',
} as const satisfies Record<string, UsagePurpose>;

type Signal = keyof typeof CONTENT_SIGNAL_CATEGORIES;

export interface ContentSignals {
  signals: Partial<Record<Signal, 'yes' | 'no'>>;
  /** Entries that were not `known-signal=yes|no`, kept for the report; they mean nothing. */
  ignored: string[];
}

/**
 * No grammar is published beyond the examples, so the parse is lenient: comma-separated `key=value`
 * entries, case-insensitive, spaces ignored. A repeated signal keeps its most restrictive value.
 */
export function parseContentSignals(value: string): ContentSignals {
  const signals: ContentSignals['signals'] = {};
  const ignored: string[] = [];
  for (const entry of value.split(',')) {
    const text = entry.trim();
    if (text === '') continue;
    const m = /^([a-z-]+)\s*=\s*([a-z]+)$/i.exec(text);
    const key = m?.[1]?.toLowerCase();
    const v = m?.[2]?.toLowerCase();
    if (!key || !(key in CONTENT_SIGNAL_CATEGORIES) || (v !== 'yes' && v !== 'no')) {
      ignored.push(text);
      continue;
    }
    const signal = key as Signal;
    if (signals[signal] !== 'no') signals[signal] = v;
  }
  return { signals, ignored };
}

export interface ContentSignalRule {
  path: string;
  signals: ContentSignals;
}

export function contentSignalRules(lines: readonly RobotsLine[]): ContentSignalRule[] {
  return lines
    .filter((l) => l.key === 'content-signal')
    .map((l) => {
      const { path, rest } = splitPathValue(l.value);
      return { path, signals: parseContentSignals(rest) };
    });
}

export interface ContentSignalVerdict {
  preference: Preference;
  /** e.g. `ai-train=no`. */
  label?: string;
}

export function contentSignalFor(parsed: ContentSignals, purpose: UsagePurpose): ContentSignalVerdict {
  const signal = (Object.keys(CONTENT_SIGNAL_CATEGORIES) as Signal[]).find(
    (s) => CONTENT_SIGNAL_CATEGORIES[s] === purpose,
  );
  const value = signal ? parsed.signals[signal] : undefined;
  if (!signal || !value) return { preference: 'unknown' };
  return { preference: value === 'no' ? 'deny' : 'allow', label: `${signal}=${value}` };
}
