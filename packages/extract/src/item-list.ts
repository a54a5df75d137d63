import { attr, type Element, isElement } from './dom.js';
import type { StatsMap } from './score.js';
import { step } from './work.js';

// Listings and collections are their items: a run of sibling boxes of one kind (same tag, same first
// class), most of them headed by a link (the item's title) and each holding some text. The article
// scorer, which feeds on paragraphs, picks the intro or one item; this finds the run itself.

export interface ItemList {
  /** The parent of the run. */
  el: Element;
  /** How many boxes the run has. */
  items: number;
  /** Their collapsed text length, together. */
  chars: number;
}

const MIN_ITEMS = 5;

/** Sibling boxes of one signature. */
export interface Run {
  items: Element[];
  /** How many of them hold a link. */
  linked: number;
  chars: number;
}

// the first class only: a megabyte class attribute is not split into its 200k words
const FIRST_CLASS = /\S{1,200}/;
const DIGITS = /\d+/g;
const itemSignature = (e: Element): string => {
  const cls = attr(e, 'class');
  if (!cls) return `${e.name}.`;
  const first = FIRST_CLASS.exec(cls)?.[0] ?? '';
  // WordPress's first class is the post's own id ("post-30149"): the run is of "post-#"
  return `${e.name}.${first.replace(DIGITS, '#')}`;
};

/**
 * The runs of item boxes among `e`'s children: MIN_ITEMS or more boxes of one tag and first class, each of
 * some text, most holding a link. Grouped only for a box with enough children to hold a run (a 4 MiB table
 * has 300k boxes that do not).
 */
export function itemRuns(e: Element, stats: StatsMap): Run[] {
  if (e.children.length < MIN_ITEMS) return [];
  const groups = new Map<string, Run>();
  for (const c of e.children) {
    if (!isElement(c)) continue;
    const st = stats.get(c);
    if (!st || st.chars < 15) continue;
    const k = itemSignature(c);
    const g = groups.get(k) ?? { items: [], linked: 0, chars: 0 };
    g.items.push(c);
    if (st.links > 0) g.linked++;
    g.chars += st.chars;
    groups.set(k, g);
  }
  const out: Run[] = [];
  for (const g of groups.values())
    if (g.items.length >= MIN_ITEMS && g.linked >= g.items.length * 0.6) out.push(g);
  return out;
}

/** The run of repeated item boxes with the most text, or null when the page has none. */
export function findItemList(root: Element, stats: StatsMap): ItemList | null {
  let best: ItemList | null = null;
  const stack: Element[] = [root];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    for (const c of e.children) if (isElement(c)) stack.push(c);
    for (const g of itemRuns(e, stats))
      if (!best || g.chars > best.chars) best = { el: e, items: g.items.length, chars: g.chars };
  }
  return best;
}

/**
 * The box holding the links of the page's own JSON-LD ItemList (a CollectionPage's recipes, a search
 * page's results): the lowest element holding most of the page's links to the listed URLs. Null when the
 * page links fewer than three of them.
 */
export function declaredItemList(
  root: Element,
  stats: StatsMap,
  urls: string[],
  base: string | undefined,
): ItemList | null {
  const want = new Set<string>();
  for (const u of urls) {
    const k = urlKey(u, base);
    if (k) want.add(k);
  }
  if (want.size < 3) return null;
  const held = new Map<Element, number>();
  const hit = new Set<string>();
  let links = 0;
  const stack: Element[] = [root];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    if (e.name === 'a') {
      const k = e.attribs.href ? urlKey(e.attribs.href, base) : null;
      if (k && want.has(k)) {
        links++;
        hit.add(k);
        for (let p = e.parent; p && isElement(p); p = p.parent) {
          step();
          held.set(p, (held.get(p) ?? 0) + 1);
          if (p === root) break;
        }
      }
      continue;
    }
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  if (hit.size < 3) return null;
  // the deepest box holding most of those links: a box holds more than any box inside it
  let best: Element | null = null;
  let bestDepth = -1;
  for (const [e, n] of held) {
    if (n < links * 0.8) continue;
    let d = 0;
    for (let p = e.parent; p; p = p.parent) d++;
    if (d > bestDepth) {
      best = e;
      bestDepth = d;
    }
  }
  if (!best || best === root) return null;
  return { el: best, items: hit.size, chars: stats.get(best)?.chars ?? 0 };
}

function urlKey(href: string, base: string | undefined): string | null {
  try {
    const u = new URL(href, base);
    return `${u.host}${u.pathname.replace(/\/$/, '')}`.toLowerCase();
  } catch {
    return null;
  }
}
