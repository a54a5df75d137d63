import { collapse, type Element, isElement, textOf } from './dom.js';
import { step } from './work.js';

// A news site prints, beside the article, a grid of other stories: each a linked headline, a one-line
// excerpt and the writer's name. The excerpts score as paragraphs, so the scorer adds the grid as a sibling
// of the article. Its mark is the linked headlines: an article body links a heading now and then, a grid
// of stories links every one.

const HEADING = /^h[2-6]$/;
/** Linked headlines that make a box a grid of stories. */
const MIN_LINKED = 3;

function linked(h: Element): boolean {
  for (let p = h.parent; p && isElement(p); p = p.parent) {
    if (p.name === 'a') return true;
    if (p.name !== 'span' && p.name !== 'div') break;
  }
  const all = collapse(textOf(h)).length;
  let links = 0;
  const stack: Element[] = [h];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    if (e.name === 'a') links += collapse(textOf(e)).length;
    else for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  return all > 0 && links >= all * 0.8;
}

/** True when `e` holds MIN_LINKED or more headings that are links (a grid of other stories). */
export function isTeaserBox(e: Element): boolean {
  let n = 0;
  const stack: Element[] = [e];
  while (stack.length) {
    const x = stack.pop() as Element;
    step();
    if (HEADING.test(x.name)) {
      if (linked(x) && ++n >= MIN_LINKED) return true;
      continue;
    }
    for (const c of x.children) if (isElement(c)) stack.push(c);
  }
  return false;
}
