import { type Element, elements, isElement } from './dom.js';
import { itemRuns } from './item-list.js';
import type { StatsMap } from './score.js';
import { step } from './work.js';

// A listing's items each carry the same small parts: the card's <header> with its title, the post's date,
// its author, its category. Alone, each looks like an article's boilerplate (a byline, a dateline, a
// header), and together they hold too little text to count as the content. What gives them away is that
// every item of the run has one: a part that most items of a run of repeated boxes carry is the items' own.
// Which parts count is the caller's: pruning keeps titles only (WCXB's listings keep a post's date and
// author on some sites and leave them out on others).

/** The share of a run's items that must carry a kind of part for it to be theirs. */
const MOST = 0.6;

/**
 * The boxes below `roots` of a kind (`kindOf`, null for none) that at least MOST of a run's items carry (a
 * run: repeated sibling boxes, as the item-list finder counts them). One walk to find the runs, one over
 * each run's items.
 */
export function itemParts(
  roots: Element[],
  stats: StatsMap,
  kindOf: (e: Element) => string | null,
): Set<Element> {
  const keep = new Set<Element>();
  const stack: Element[] = [...roots];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    for (const c of e.children) if (isElement(c)) stack.push(c);
    for (const r of itemRuns(e, stats)) keepParts(r.items, kindOf, keep);
  }
  return keep;
}

function keepParts(items: Element[], kindOf: (e: Element) => string | null, keep: Set<Element>): void {
  const boxes = new Map<string, Element[]>();
  const carriers = new Map<string, number>();
  for (const item of items) {
    const seen = new Set<string>();
    for (const e of elements(item)) {
      const kind = kindOf(e);
      if (kind === null) continue;
      const list = boxes.get(kind);
      if (list) list.push(e);
      else boxes.set(kind, [e]);
      if (!seen.has(kind)) {
        seen.add(kind);
        carriers.set(kind, (carriers.get(kind) ?? 0) + 1);
      }
    }
  }
  for (const [kind, n] of carriers)
    if (n >= items.length * MOST) {
      for (const e of boxes.get(kind) ?? []) keep.add(e);
    }
}
