import { type AnyNode, attr, type Element, isElement } from './dom.js';
import type { StatsMap } from './score.js';
import { step } from './work.js';

// Inside the chosen container, trafilatura-style pruning (its OVERALL_DISCARD and
// teaser/caption rules): what sits in the article box but is not the article.

const PRUNE_TAGS = new Set([
  'h1',
  'figure',
  'figcaption',
  'aside',
  'footer',
  'header',
  'form',
  'fieldset',
  'address',
]);

const DISCARD =
  /(^|[\s_-])(caption|credits?|byline|bylines|author|authors|related|share|sharing|social|gallery|slideshow|meta|tags?|newsletter|promo|ads?|advert\w*|subscribe|subscription|comments?|toolbar|breadcrumbs?|print|email|read-?more|more-?stories|popular|recommend\w*|widget|sidebar|timestamp|dateline|date|published|updated|photo|video-?player|embed|signup|sign-up|follow|disclaimer|teaser|inline-?ad|nav|pagination|rating|hidden|visually-?hidden|sr-only|screen-?reader\w*|overlay|modal|lightbox|thumbs?|jp-relatedposts|sharedaddy|wp-caption-text|article-?footer|post-?footer|entry-?footer|entry-?meta|post-?meta|article-?meta|bio|author-?bio)($|[\s_-])/i;

function discard(e: Element): boolean {
  if (PRUNE_TAGS.has(e.name)) return true;
  const key = `${attr(e, 'class')} ${attr(e, 'id')}`;
  if (key.length > 1 && DISCARD.test(key)) return true;
  const role = attr(e, 'role');
  return role === 'complementary' || role === 'navigation';
}

/** Removes in-article boilerplate below `roots` (not the roots themselves). In place. */
export function pruneContent(roots: Element[], stats: StatsMap, spare?: Element): void {
  let total = 0;
  for (const r of roots) total += stats.get(r)?.chars ?? 0;
  // a "discardable" box holding a big share of the text is the article itself, mislabelled
  const big = (e: Element) => (stats.get(e)?.chars ?? 0) > total * 0.3;
  const stack: AnyNode[] = [...roots];
  while (stack.length) {
    const n = stack.pop() as AnyNode;
    step();
    if (!isElement(n)) continue;
    // a new child list only for a node that loses a child (most lose none)
    const children = n.children;
    let kept: AnyNode[] | null = null;
    for (let i = 0; i < children.length; i++) {
      const c = children[i] as AnyNode;
      if (isElement(c) && c !== spare && discard(c) && !big(c)) {
        kept ??= children.slice(0, i);
        continue;
      }
      kept?.push(c);
      if (isElement(c)) stack.push(c);
    }
    if (kept) n.children = kept as never;
  }
}
