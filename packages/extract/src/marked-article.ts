import { attr, type Element, isElement } from './dom.js';
import type { StatsMap } from './score.js';
import { step } from './work.js';

// A blog marks its post with microdata (itemscope itemtype=schema.org/BlogPosting) and then prints more posts
// below it, each with its full text ("you may also like"): the scorer takes the column holding them all. The
// box the page itself marks as the article is the article.

const ARTICLE_ITEM = /schema\.org\/(\w*Article|BlogPosting|Report)$/i;

/** Below this share of the chosen text a marked box is a header or a teaser, not the article. */
const MIN_SHARE = 0.15;
const MIN_CHARS = 300;

/**
 * The one box inside `nodes` (the scorer's choice) that the page marks with an article's microdata type,
 * when it holds a fair share of the chosen text and less than all of it; null otherwise (none, several, or
 * a choice that is already that box).
 */
export function markedArticle(nodes: Element[], stats: StatsMap): Element | null {
  let found: Element | null = null;
  const stack: Element[] = [...nodes];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    if ('itemscope' in e.attribs && ARTICLE_ITEM.test(attr(e, 'itemtype').trim())) {
      // several marked posts: a listing of them, not one article among teasers
      if (found) return null;
      found = e;
      continue;
    }
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  if (!found || nodes.includes(found)) return null;
  const chosen = nodes.reduce((n, e) => n + (stats.get(e)?.chars ?? 0), 0);
  const own = stats.get(found)?.chars ?? 0;
  if (own < MIN_CHARS || own < chosen * MIN_SHARE || own >= chosen * 0.95) return null;
  return found;
}
