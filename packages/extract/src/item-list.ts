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

// the first class only: a megabyte class attribute is not split into its 200k words
const FIRST_CLASS = /\S{1,200}/;
const signature = (e: Element): string => `${e.name}.${FIRST_CLASS.exec(attr(e, 'class'))?.[0] ?? ''}`;

/** The run of repeated item boxes with the most text, or null when the page has none. */
export function findItemList(root: Element, stats: StatsMap): ItemList | null {
  let best: ItemList | null = null;
  const stack: Element[] = [root];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    const groups = new Map<string, { n: number; linked: number; chars: number }>();
    for (const c of e.children) {
      if (!isElement(c)) continue;
      stack.push(c);
      const st = stats.get(c);
      if (!st || st.chars < 15) continue;
      const k = signature(c);
      const g = groups.get(k) ?? { n: 0, linked: 0, chars: 0 };
      g.n++;
      if (st.links > 0) g.linked++;
      g.chars += st.chars;
      groups.set(k, g);
    }
    for (const g of groups.values()) {
      if (g.n < MIN_ITEMS || g.linked < g.n * 0.6) continue;
      if (!best || g.chars > best.chars) best = { el: e, items: g.n, chars: g.chars };
    }
  }
  return best;
}
