import { type AnyNode, type Element, isElement, remove } from './dom.js';
import type { StatsMap } from './score.js';
import { step } from './work.js';

// Templates ship with placeholder copy ("Lorem ipsum dolor sit amet, …") in sections a shop never filled in
// or shows only for another variant: no reader is meant to read it (no truth of WCXB's or ScrapingHub's holds
// any). The box around it goes with it while the placeholder is most of that box's text (the section's
// "THIS CAN BE ANOTHER SUBJECT LINE" heading). Shop pages only: an article may quote it.

const LOREM = /lorem ipsum dolor/i;
/** A box holding more than this many times the placeholder's text has text of its own. */
const MOSTLY = 1.5;

/** Removes every box below `roots` whose text is mostly placeholder copy. In place. */
export function dropPlaceholders(roots: Element[], stats: StatsMap): void {
  const found: [Element, number][] = [];
  const stack: AnyNode[] = [...roots];
  while (stack.length) {
    const n = stack.pop() as AnyNode;
    step();
    if (n.type === 'text') {
      const text = (n as { data: string }).data;
      if (n.parent && isElement(n.parent) && LOREM.test(text)) found.push([n.parent, text.trim().length]);
      continue;
    }
    if (isElement(n)) for (const c of n.children) stack.push(c);
  }
  for (const [e, lorem] of found) {
    // a sentence that names the placeholder among text of its own is not one
    if ((stats.get(e)?.chars ?? 0) > lorem * MOSTLY) continue;
    let box = e;
    for (let p = e.parent; p && isElement(p) && !roots.includes(box); p = p.parent) {
      step();
      if ((stats.get(p)?.chars ?? Number.POSITIVE_INFINITY) > lorem * MOSTLY) break;
      box = p;
    }
    if (roots.includes(box)) continue;
    remove(box);
  }
}
