import { type AiprefStatement, parseAiprefStatement } from './aipref.js';
import type { RobotsLine } from './robots-groups.js';

/** One robots.txt `Content-Usage` rule (draft-ietf-aipref-attach-05 §3): a path and a statement. */
export interface ContentUsageRule {
  /** Empty when the rule has no path, which applies it to every crawlable path. */
  path: string;
  statement: AiprefStatement;
}

/**
 * attach-05 §3.2: a rule value starting with `/` has a path that ends at the first SP or HTAB; the
 * rest is the statement. Any other first character means there is no path.
 */
export function splitPathValue(value: string): { path: string; rest: string } {
  if (!value.startsWith('/')) return { path: '', rest: value };
  const gap = value.search(/[ \t]/);
  return gap < 0 ? { path: value, rest: '' } : { path: value.slice(0, gap), rest: value.slice(gap).trim() };
}

export function contentUsageRules(lines: readonly RobotsLine[]): ContentUsageRule[] {
  return lines
    .filter((l) => l.key === 'content-usage')
    .map((l) => {
      const { path, rest } = splitPathValue(l.value);
      return { path, statement: parseAiprefStatement(rest) };
    });
}
