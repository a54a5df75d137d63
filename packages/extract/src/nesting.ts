// htmlparser2 keeps its open-element stack with Array#unshift, so a page of 100k nested
// <div>s parses in quadratic time (~20 s). This pre-scan counts nesting with a cheap
// character loop and, only when a page goes deeper than `max`, drops the tags below that
// depth (their text stays). Hand-written because the parser offers no depth limit.

import { isSpace } from './whitespace.js';

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  // implicitly closed: they never nest in real pages, so do not count them
  'p',
  'li',
  'td',
  'th',
  'tr',
  'option',
  'dt',
  'dd',
]);
const RAW = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript']);

const RAW_END: Record<string, RegExp> = Object.fromEntries(
  [...RAW].map((n) => [n, new RegExp(`</${n}`, 'ig')]),
);

// The names above by a number read off the tag's characters, so a tag whose name is ASCII costs no string:
// letters a–z (either case) as 1–26 in base 27, up to 8 of them (the longest name above); NOT_NAMED for
// any other ASCII name, which none of them is.
const NOT_NAMED = -1;
const NAMED = new Map<number, string>();
for (const n of [...VOID, ...RAW]) {
  let key = 0;
  for (let k = 0; k < n.length; k++) key = key * 27 + (n.charCodeAt(k) - 96);
  NAMED.set(key, n);
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The HTML with tags deeper than `max` removed, or the input itself when it is shallow enough. */
export function limitNesting(html: string, max = 1000): { html: string; limited: boolean } {
  let depth = 0;
  let i = 0;
  const cuts: number[] = []; // [start, end) pairs of tags to drop
  while (true) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt + 1 >= html.length) break;
    const c = html.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      const end = html.startsWith('<!--', lt) ? html.indexOf('-->', lt + 4) : html.indexOf('>', lt);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    const close = c === 47; /* / */
    const nameStart = close ? lt + 2 : lt + 1;
    if (!isAlpha(html.charCodeAt(nameStart))) {
      i = lt + 1;
      continue;
    }
    // the name runs to whitespace (as /\s/ has it), '/' or '>'
    let j = nameStart;
    let key = 0;
    let ascii = true;
    for (; j < html.length; j++) {
      const ch = html.charCodeAt(j);
      if (ch === 47 || ch === 62 || isSpace(ch)) break;
      if (ch >= 0x80) ascii = false;
      else if (key !== NOT_NAMED) {
        const letter = ch | 0x20;
        key = letter >= 97 && letter <= 122 && j - nameStart < 8 ? key * 27 + (letter - 96) : NOT_NAMED;
      }
    }
    // a name with other characters is lower-cased as before (toLowerCase maps some of them to ASCII)
    const name = ascii ? NAMED.get(key) : html.slice(nameStart, j).toLowerCase();
    const gt = html.indexOf('>', j);
    if (gt < 0) break;
    i = gt + 1;
    if ((name !== undefined && VOID.has(name)) || html.charCodeAt(gt - 1) === 47) continue;
    if (close) {
      if (depth > max) cuts.push(lt, gt + 1);
      if (depth > 0) depth--;
      continue;
    }
    if (name !== undefined && RAW.has(name)) {
      const re = RAW_END[name] as RegExp;
      re.lastIndex = gt;
      const m = re.exec(html);
      i = m ? m.index : html.length;
      depth++;
      continue;
    }
    depth++;
    if (depth > max) cuts.push(lt, gt + 1);
  }
  if (!cuts.length) return { html, limited: false };
  const parts: string[] = [];
  let from = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    parts.push(html.slice(from, cuts[k]));
    from = cuts[k + 1] as number;
  }
  parts.push(html.slice(from));
  return { html: parts.join(''), limited: true };
}
