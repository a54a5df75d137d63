import { type AnyNode, collapse, type Element, isElement, textOf } from './dom.js';
import { SKIP_TAGS } from './patterns.js';
import type { Stats, StatsMap } from './score.js';
import { step } from './work.js';

// A product page is its product block: the box holding the product's name (its heading) and its description,
// with the price, specifications and reviews around them. The page's own JSON-LD Product names both, so the
// block is found by where they are, not guessed from paragraph scores: a product's description is a few
// sentences among prices, swatches and carousels, and the article scorer often picks a delivery notice or
// the footer's small print instead.

export interface ProductHint {
  name: string | null;
  description: string | null;
}

const MIN_RUN = 24;
const TAG = /<[^>]*>/g;
const ENTITY = /&(?:#\d+|#x[\da-f]+|[a-z]+);/gi;
const norm = (s: string): string =>
  collapse(
    s
      .replace(TAG, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&#0?39;|&apos;/g, "'")
      .replace(ENTITY, ' '),
  )
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb]/g, '"')
    .toLowerCase();
const WORDS = /[\p{L}\p{N}]+/gu;

/** A heading names the product when most of its words are words of the product's name (or the reverse). */
function namesProduct(heading: string, name: Set<string>, full: string): boolean {
  if (full.length >= 4 && heading.includes(full)) return true;
  const words = heading.match(WORDS) ?? [];
  if (!words.length || !name.size) return false;
  let hit = 0;
  for (const w of words) if (name.has(w)) hit++;
  return hit >= words.length * 0.6 || hit >= name.size * 0.8;
}

/** Some shops put the description in JSON-LD URL-encoded ("An%20elegant%20sofa"). */
function unescapeUrl(s: string): string {
  if (!/%20/.test(s)) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The lowest element holding both `a` and `b` (either may be it), or null. */
export function lowestCommon(a: Element, b: Element): Element | null {
  const up = new Set<AnyNode>();
  for (let p: AnyNode | null = a; p; p = p.parent) {
    step();
    up.add(p);
  }
  for (let p: AnyNode | null = b; p; p = p.parent) {
    step();
    if (up.has(p) && isElement(p)) return p;
  }
  return null;
}

const own = (s: Stats | undefined): number => (s ? s.chars - s.links : 0);

/** Where the page prints the product's description and its name as a heading (<h1>). */
export interface ProductAnchors {
  description: Element;
  heading: Element;
  /** Both anchors and every box above them, so asking whether a box holds one is a lookup. */
  holders: Set<AnyNode>;
}

/** The elements holding the product's heading and the start of its description, or null unless both. */
export function productAnchors(body: Element, hint: ProductHint): ProductAnchors | null {
  // the page prints the description in pieces (paragraphs, bold runs, list items): a piece of
  // MIN_RUN characters or more found in the declared description marks where it is
  const desc = hint.description ? norm(unescapeUrl(hint.description)) : '';
  const fullName = hint.name ? norm(hint.name) : '';
  const name = new Set(fullName.match(WORDS) ?? []);
  if (desc.length < MIN_RUN || !name.size) return null;
  let found: Element | null = null;
  let heading: Element | null = null;
  const stack: AnyNode[] = [body];
  while (stack.length && !(found && heading)) {
    const n = stack.pop() as AnyNode;
    step();
    if (n.type === 'text') {
      if (!found && n.parent && isElement(n.parent)) {
        const d = (n as { data: string }).data;
        if (d.length >= MIN_RUN) {
          const t = norm(d);
          if (t.length >= MIN_RUN && desc.includes(t)) found = n.parent;
        }
      }
      continue;
    }
    if (!isElement(n) || SKIP_TAGS.has(n.name)) continue;
    if (!heading && n.name === 'h1' && namesProduct(norm(textOf(n)), name, fullName)) heading = n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as AnyNode);
  }
  if (!found || !heading) return null;
  const holders = new Set<AnyNode>();
  for (const x of [found, heading]) {
    for (let p: AnyNode | null = x; p; p = p.parent) {
      step();
      holders.add(p);
    }
  }
  return { description: found, heading, holders };
}

/** True when `e` holds an anchor: boilerplate rules by class or role never drop it. */
export const holdsAnchor = (e: Element, a: ProductAnchors): boolean => a.holders.has(e);

/**
 * What a product page's content is, given the scorer's choice: the box holding both anchors, grown to take
 * in the choice when the choice lies outside it (a long "details" section below the summary box) and the
 * box holding both is not much more than the two. Null when the product box is most of the page (it then
 * says nothing the scorer does not know) or already inside the choice.
 */
export function productBlock(
  body: Element,
  stats: StatsMap,
  a: ProductAnchors,
  chosen: Element[],
): Element[] | null {
  const box = lowestCommon(a.description, a.heading);
  if (!box || box === body) return null;
  const whole = own(stats.get(body));
  if (own(stats.get(box)) > whole * 0.8) return null;
  if (chosen.some((c) => c === box || holds(c, box))) return null;
  const outside = chosen.filter((c) => !holds(box, c));
  if (!outside.length) return [box];
  let both: Element | null = box;
  for (const c of outside) both = both ? lowestCommon(both, c) : null;
  if (!both || both === body) return [box];
  const sum = own(stats.get(box)) + outside.reduce((n, c) => n + own(stats.get(c)), 0);
  if (own(stats.get(both)) <= sum * 1.5 && own(stats.get(both)) <= whole * 0.8) return [both];
  return own(stats.get(box)) >= sum - own(stats.get(box)) ? [box] : chosen;
}

function holds(a: Element, b: Element): boolean {
  for (let p: AnyNode | null = b.parent; p; p = p.parent) {
    step();
    if (p === a) return true;
  }
  return false;
}
