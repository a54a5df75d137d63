// JavaScript's `\s` (and String.prototype.trim's whitespace) as a code-unit test, for the scans that
// replace a regular expression or a split on a per-page hot path. whitespace.test.ts holds it equal to
// /\s/ over every UTF-16 code unit, so an engine whose Unicode tables move fails there.

/** True when the code unit `c` is what /\s/ matches: ECMAScript's WhiteSpace and LineTerminator. */
export function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * The longest run of non-whitespace code units of `text` when one is at least 40 long (what the longest
 * match of /\S{40,}/g gives), else the longest of the first 2,000 pieces of `text.split(/\s+/, 2000)`.
 */
export function longestToken(text: string): number {
  let max = 0;
  let firstMax = 0;
  let pieces = 1;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c < 0x80) run++;
    else if (isSpace(c)) {
      if (run > max) max = run;
      if (pieces <= 2000 && run > firstMax) firstMax = run;
      // the first unit of a run of whitespace (after a token, or at the start) ends a piece
      if (run > 0 || i === 0) pieces++;
      run = 0;
    } else run++;
  }
  if (run > max) max = run;
  if (pieces <= 2000 && run > firstMax) firstMax = run;
  return max >= 40 ? max : firstMax;
}

/** How many runs of whitespace `text` holds, counting up to `limit` (so `split(/\s+/).length - 1` for trimmed text). */
export function spaceRuns(text: string, limit: number): number {
  let runs = 0;
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      if (!inRun && ++runs >= limit) return runs;
      inRun = true;
    } else inRun = false;
  }
  return runs;
}

const SPACE_RUN = /\s+/g;

/**
 * `text.replace(/\s+/g, ' ')`, returning `text` itself when that changes nothing (its only whitespace is single
 * spaces), which most inline text is: a scan instead of a replacement that copies the string.
 */
export function collapseSpaces(text: string): string {
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (space) return text.replace(SPACE_RUN, ' ');
      space = true;
    } else if (c > 0x20 && c < 0x80) space = false;
    else if (isSpace(c)) return text.replace(SPACE_RUN, ' ');
    else space = false;
  }
  return text;
}
