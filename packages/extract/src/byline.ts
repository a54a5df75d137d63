// Author names from the places pages put them: what each source gives is a byline as written ("By Jane
// Doe | March 5, 2025", "Written by: The Team", a profile URL, a Facebook id), and this module turns it
// into a name or nothing.
import { dateInText } from './dates.js';
import { type AnyNode, type Element, isText } from './dom.js';
import { step } from './work.js';

// "By", "Written by", "Posted by", "Author:" and their German, French, Spanish, Italian and Dutch forms
const LEAD =
  /^(?:(?:[\p{L}\d/.,]+\s+){0,2}by|author(?:ed by)?|von|par|por|di|door|autor(?:in)?|auteur|autore)\b\s*:?\s*/iu;
// what follows a name in a byline: a separator, a date or its keyword, a reading time
const TAIL =
  /\s+(?:[|·•–—»⋅]|-\s|on\s+(?=\p{L}+\.? \d|(?:mon|tue|wed|thu|fri|sat|sun)\p{L}*\b)|(?:published|updated|posted|last updated|modified|reviewed)\b|\d+\s*min\b|(?=\p{Lu}\p{Ll}{2,8}\.? \d{1,2},? \d{4})|(?=\d{1,2}[./]\d{1,2}[./]\d{2,4})).*$/isu;
// placeholders and the interface words a byline box also holds ("Updated", "Share", "Read more")
const NOT_A_NAME =
  /^(?:undefined|null|none|n\/a|unknown|admin(?:istrator)?|staff|authors?|guest|updated|published|posted|share|follow|read more|more|view|profile|category|categories|type|topic|tags?|review|reviews|comments?|login|sign in|member login)$/i;

/**
 * A byline as a name: "By Jane Doe | March 5, 2025" → "Jane Doe"; a URL, an email address, a number, a
 * sentence or a placeholder ("undefined") → null. A trailing ", <site name>" is cut ("Jane Doe, The
 * Daily Paper"): it names the publisher, not the person.
 */
export function cleanByline(
  raw: string | null | undefined,
  siteNames: (string | null)[] = [],
): string | null {
  if (!raw) return null;
  let s = raw
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '');
  s = s.replace(LEAD, '').replace(TAIL, '').trim();
  s = s.replace(/[\s,;:|·•–—-]+$/, '').replace(/^[\s,;:|·•–—-]+/, '');
  for (const site of siteNames) {
    if (!site) continue;
    const cut = s.toLowerCase().lastIndexOf(`, ${site.toLowerCase()}`);
    if (cut > 0 && cut + site.length + 2 === s.length) s = s.slice(0, cut);
  }
  // a name, or a list of names ("A, B and C"): each short
  const names = s.split(/\s*(?:,|\band\b|&)\s*/);
  if (!s || s.length > 300 || names.some((n) => n.length > 60 || n.split(' ').length > 6)) return null;
  if (/^https?:|^www\.|@\S+\.\w|[<>{}]|\.(?:com|org|net)\b/i.test(s)) return null;
  if (!/\p{L}/u.test(s) || NOT_A_NAME.test(s)) return null;
  // a phrase cut short ("Insights from"), not a name
  if (/\s(?:from|by|of|the|and|at|in|on|with|for|to)$/i.test(s)) return null;
  // a date where a name should be ("August 28, 2025", "Sat, 20 Dec, 2025")
  if (dateInText(s) || /\d{1,2}[:/]\d{2}/.test(s)) return null;
  // a sentence or a call to action, not a name
  if (/[?!]/.test(s) || (/\.\s*$/.test(s) && s.split(' ').length > 4)) return null;
  return s;
}

/** Class or id of an element that holds the author's name (not their biography or picture). */
export const BYLINE_CLASS =
  /(?:^|[\s_-])(?:author|byline|writer|contributor)(?:s|name)?(?=$|[\s_-])|posted-?by|authorname|byline/i;
const NOT_BYLINE_CLASS =
  /bio|desc|about|avatar|image|img|photo|pic|social|share|follow|comment|more|posts|list/i;

/** True when an element's class and id (`label`) say it holds a byline. */
export function isBylineBox(label: string): boolean {
  return BYLINE_CLASS.test(label) && !NOT_BYLINE_CLASS.test(label);
}

/** A link to an author's page (/author/jane-doe, /authors/…, /people/…, /team/…). */
export const AUTHOR_HREF =
  /^(?:\/|\.\.?\/|https?:\/\/[^/]*\/)(?:[^?#]*\/)?(?:authors?|autor(?:en)?|auteurs?|writers?|contributors?|people|profiles?|staff)\/[^/?#]+/i;

/** The element opens with "By …" / "Written by …" in its own text. */
export function opensWithBy(e: Element): boolean {
  const first = e.children[0];
  if (!first || !isText(first)) return false;
  // called on every element: look at the first letter before running the pattern
  const d = first.data;
  let i = 0;
  while (i < d.length && d.charCodeAt(i) <= 32) i++;
  const c = d.charCodeAt(i) | 32;
  if (c !== 98 && c !== 119 && c !== 112 && c !== 118 && c !== 100) return false; // b w p v d
  return /^(?:(?:written|posted|published)\s+by|by|von|par|por|door)\b\s*:?/i.test(d.slice(i, i + 40));
}

/**
 * A byline box's name: the text after a lone "By", else its first piece of text, with the pieces joined
 * by "and", "&" or a comma kept together ("<a>A</a> and <a>B</a>"); a role or a date in a piece of its
 * own ("Jane Doe" "Senior Writer") is left behind. Null when the box is not short.
 */
export function bylineOf(e: Element): string | null {
  const parts = shortParts(e);
  if (!parts?.length) return null;
  let i = parts.findIndex((p) => /^(?:(?:written|posted|published)\s+)?by\s*:?$/i.test(p));
  i = i >= 0 ? i + 1 : 0;
  let name = parts[i] ?? '';
  while (i + 2 < parts.length && /^(?:,|and|&|und|et|y|e)$/i.test(parts[i + 1] as string)) {
    name += `${parts[i + 1] === ',' ? '' : ' '}${parts[i + 1]} ${parts[i + 2]}`;
    i += 2;
  }
  return name || null;
}

/**
 * The text below `e` when it is short: null past `maxChars` characters or `maxNodes` nodes, so a scan
 * of every candidate costs at most a constant per candidate however large the page.
 */
export function shortText(e: AnyNode, maxChars = 160, maxNodes = 80): string | null {
  const t = shortParts(e, maxChars, maxNodes)?.join(' ');
  return t !== undefined && t.length <= maxChars ? t : null;
}

function shortParts(e: AnyNode, maxChars = 160, maxNodes = 80): string[] | null {
  const out: string[] = [];
  let len = 0;
  let nodes = 0;
  const stack: AnyNode[] = [e];
  while (stack.length) {
    const c = stack.pop() as AnyNode;
    step();
    if (++nodes > maxNodes) return null;
    if (isText(c)) {
      const d = c.data.replace(/\s+/g, ' ').trim();
      if (d) out.push(d);
      len += d.length;
      if (len > maxChars) return null;
    } else if ('children' in c && (c === e || (c as Element).name !== 'script')) {
      const ch = (c as Element).children;
      for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i] as AnyNode);
    }
  }
  return out;
}
