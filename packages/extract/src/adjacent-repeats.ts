import { contains, type Element } from './dom.js';
import type { Block } from './render.js';

/** The longest run of paragraphs looked for twice in a row. */
const MAX_RUN = 8;

/**
 * A listing's cards often draw their item twice, one copy for each screen size (a title and a date, then
 * the same title and date): a run of paragraphs followed at once by the same run, word for word, is met
 * once, when each copy is the whole of one of two sibling boxes (a run met again inside a box that holds
 * more, an item's title before it, is not a copy).
 */
export function withoutAdjacentRepeats(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < blocks.length; ) {
    out.push(blocks[i] as Block);
    i++;
    // while what was just kept (its last k paragraphs) comes again right away, in its twin box, skip the copy
    for (let k = 1; k <= MAX_RUN && k <= out.length && i + k <= blocks.length; k++) {
      const first = out.length - k;
      let same = true;
      for (let m = 0; m < k && same; m++) same = out[first + m]?.text === blocks[i + m]?.text;
      if (same && twins(out, first, blocks, i, k)) {
        i += k;
        k = 0;
      }
    }
  }
  return out;
}

/**
 * Whether the run a[i, i+k) fills one box and b[j, j+k) its sibling: below the nearest box holding both
 * runs' first paragraphs, each run lies in its own child, and the paragraphs either side of the runs do not.
 */
function twins(a: Block[], i: number, b: Block[], j: number, k: number): boolean {
  const x = a[i] as Block;
  const y = b[j] as Block;
  const below = childTowards(x.el, y.el);
  if (!below) return false;
  const [bx, by] = below;
  for (let m = 0; m < k; m++) {
    if (!within((a[i + m] as Block).el, bx) || !within((b[j + m] as Block).el, by)) return false;
  }
  const before = a[i - 1];
  const after = b[j + k];
  return !(before && within(before.el, bx)) && !(after && within(after.el, by));
}

/** Whether `e` is `box` or lies below it. */
const within = (e: Element, box: Element): boolean => e === box || contains(box, e);

/** The children of the nearest common ancestor of `x` and `y` that hold each of them, or null. */
function childTowards(x: Element, y: Element): [Element, Element] | null {
  const up = new Map<Element, Element>();
  let prev: Element = x;
  for (let p = x.parent as Element | null; p; p = p.parent as Element | null) {
    up.set(p, prev);
    prev = p;
  }
  let below: Element = y;
  for (let p = y.parent as Element | null; p; p = p.parent as Element | null) {
    const bx = up.get(p);
    if (bx) return bx === below ? null : [bx, below];
    below = p;
  }
  return null;
}
