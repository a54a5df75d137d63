import { attr, contains, type Element, isElement } from './dom.js';
import { POST_CLASS } from './page-type.js';
import { linkDensity, type StatsMap } from './score.js';
import { step } from './work.js';

// A forum thread is all its posts. The article scorer picks the box with the most prose, which on boards
// that render the opening post apart from the replies (XenForo's thread starter card above the reply list)
// is the first post alone. The thread is the lowest box holding every post box.

const POST_ITEMS = /^(comment|suggestedAnswer|acceptedAnswer)$/;

function isPost(e: Element): boolean {
  if (e.name !== 'article' && e.name !== 'div' && e.name !== 'li') return false;
  const cls = attr(e, 'class');
  return (cls !== '' && POST_CLASS.test(cls)) || POST_ITEMS.test(attr(e, 'itemprop'));
}

/**
 * The lowest box (below `body`) holding every post box of the thread, when it holds more than `nodes` (the
 * scorer's choice) and is not mostly links; null otherwise.
 */
export function threadBox(body: Element, stats: StatsMap, nodes: Element[]): Element | null {
  const posts: Element[] = [];
  const stack: Element[] = [body];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    // a post's own nested boxes (its body, a quoted post) are not more posts
    if (e !== body && isPost(e)) {
      posts.push(e);
      continue;
    }
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  if (posts.length < 2) return null;
  const first = posts[0] as Element;
  const line: Element[] = [];
  const index = new Map<Element, number>();
  for (let p = first.parent; p && isElement(p); p = p.parent) {
    step();
    index.set(p, line.length);
    line.push(p);
    if (p === body) break;
  }
  let k = 0;
  for (const post of posts) {
    for (let q = post.parent; q && isElement(q); q = q.parent) {
      step();
      const at = index.get(q);
      if (at !== undefined) {
        k = Math.max(k, at);
        break;
      }
    }
  }
  const box = line[k];
  if (!box || box === body) return null;
  const st = stats.get(box);
  if (!st || linkDensity(st) >= 0.5) return null;
  const chosen = nodes.reduce((n, e) => n + (stats.get(e)?.chars ?? 0), 0);
  if (st.chars <= chosen) return null;
  // the chosen box must be inside the thread: a thread box elsewhere is a sidebar's list of posts
  if (!nodes.every((n) => n === box || contains(box, n))) return null;
  return box;
}
