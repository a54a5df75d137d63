/**
 * RFC 9309 §2.2.2/§2.2.3 path patterns, shared by Content-Usage, Content-Signal and RSL `<content url>`:
 * `*` matches any run of characters, a final `$` anchors the end, and the match length (in bytes of
 * the encoded pattern) decides which of several matching rules is the most specific.
 */

/** Percent-encodes what RFC 9309 §2.2.2 wants encoded before comparing, and upper-cases escapes. */
export function normalisePath(path: string): string {
  let out = '';
  for (const ch of path) {
    const code = ch.codePointAt(0) ?? 0;
    out += code > 0x7e || code <= 0x20 ? encodeURIComponent(ch) : ch;
  }
  return out.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

/**
 * Glob match with `*` and a final `$`, without a regular expression: a hostile robots.txt with many
 * `*` would make a backtracking regex take polynomial time. Matching each middle segment at its
 * earliest position is enough for patterns whose only wildcard is `*`.
 */
function globMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const parts = (anchored ? pattern.slice(0, -1) : pattern).split('*');
  const first = parts[0] ?? '';
  if (!path.startsWith(first)) return false;
  if (parts.length === 1) return !anchored || path.length === first.length;
  let pos = first.length;
  for (const part of parts.slice(1, -1)) {
    const at = path.indexOf(part, pos);
    if (at < 0) return false;
    pos = at + part.length;
  }
  const last = parts[parts.length - 1] ?? '';
  return anchored ? path.length - last.length >= pos && path.endsWith(last) : path.includes(last, pos);
}

/**
 * The length of `pattern` when it matches `path`, or null when it does not. An empty pattern matches
 * every path with length 0 (draft-ietf-aipref-attach-05 §3: "The path might be absent or empty").
 */
export function patternMatchLength(pattern: string, path: string): number | null {
  const p = normalisePath(pattern);
  if (p === '') return 0;
  // After normalisePath the pattern is ASCII, so its length in characters is its length in bytes.
  return globMatches(p, normalisePath(path)) ? p.length : null;
}

/** The rules whose pattern matches `path` with the greatest length; several when they tie. */
export function longestMatches<T extends { path: string }>(rules: readonly T[], path: string): T[] {
  let best = -1;
  let out: T[] = [];
  for (const rule of rules) {
    const len = patternMatchLength(rule.path, path);
    if (len === null || len < best) continue;
    if (len > best) {
      best = len;
      out = [];
    }
    out.push(rule);
  }
  return out;
}
