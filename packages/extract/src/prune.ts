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

/**
 * In a forum thread the replies are the content, and each post's header (who wrote it, when) is part of it
 * (a reply form holds the post on some boards): those classes and tags stay. On a Q&A page the answers are
 * the posts and the comments under them are remarks, as on an article.
 */
const forumDiscard = (pattern: string) =>
  new RegExp(DISCARD.source.replace(new RegExp(`\\|(${pattern})(?=\\|)`, 'g'), ''), DISCARD.flags);
const DISCARD_ON_QA = forumDiscard('author|authors|byline|bylines|timestamp|date|published');
const DISCARD_ON_THREADS = forumDiscard('comments\\?|author|authors|byline|bylines|timestamp|date|published');
// a Q&A page's form is for a new answer; a board's may hold the post itself
const PRUNE_ON_QA = new Set([...PRUNE_TAGS].filter((t) => t !== 'header'));
const PRUNE_ON_THREADS = new Set([...PRUNE_ON_QA].filter((t) => t !== 'form'));
// the poster's figures beside each post (posts, joined, reputation) are the board's, not the post's
const POSTER_FIGURES = /(author|user|poster)[-_]?(stat\w*|extras?)/i;

/** What kind of page the pruning is for: threads and Q&A pages keep their posts' headers. */
export type PruneMode = 'article' | 'thread' | 'qa';

function discard(e: Element, mode: PruneMode): boolean {
  if ((mode === 'article' ? PRUNE_TAGS : mode === 'qa' ? PRUNE_ON_QA : PRUNE_ON_THREADS).has(e.name))
    return true;
  const key = `${attr(e, 'class')} ${attr(e, 'id')}`;
  const pattern = mode === 'article' ? DISCARD : mode === 'qa' ? DISCARD_ON_QA : DISCARD_ON_THREADS;
  if (key.length > 1 && (pattern.test(key) || (mode !== 'article' && POSTER_FIGURES.test(key)))) return true;
  const role = attr(e, 'role');
  return role === 'complementary' || role === 'navigation';
}

/** Removes in-article boilerplate below `roots` (not the roots themselves). In place. */
export function pruneContent(
  roots: Element[],
  stats: StatsMap,
  spare?: Element,
  mode: PruneMode = 'article',
): void {
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
      if (isElement(c) && c !== spare && discard(c, mode) && !big(c)) {
        kept ??= children.slice(0, i);
        continue;
      }
      kept?.push(c);
      if (isElement(c)) stack.push(c);
    }
    if (kept) n.children = kept as never;
  }
}
