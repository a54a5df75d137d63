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
  /(^|[\s_-])(caption|credits?|byline|bylines|author|authors|related|share|sharing|social|gallery|slideshow|meta|tags?|newsletter|promo|ads?|advert\w*|subscribe|subscription|comments?|toolbar|breadcrumbs?|print|email|read-?more|more-?stories|popular|recommend\w*|widget|sidebar|timestamp|dateline|date|published|updated|photo|video-?player|embed|signup|sign-up|follow|disclaimer|teaser|inline-?ad|nav|pagination|rating|(?<!overflow-(?:[xy]-)?)hidden|visually-?hidden|sr-only|screen-?reader\w*|overlay|modal|lightbox|thumbs?|jp-relatedposts|sharedaddy|wp-caption-text|article-?footer|post-?footer|entry-?footer|entry-?meta|post-?meta|article-?meta|bio|author-?bio)($|[\s_-])/i;

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
// the poster's figures beside each post (posts, joined, reputation; phpBB's profile-posts, profile-joined and
// custom fields), the rank the board gives them (XenForo's userTitle, "Senior Member"; SMF's membergroup;
// phpBB's "Topic Author"), the reactions bar and the "Last edited" note are the board's, not the post's
const POSTER_FIGURES =
  /(author|user|poster|member)[-_]?(stat\w*|extras?|title|rank)|membergroup|profile-(posts|joined|rank|custom-field)|showtopicauthor|reactions-?bar|last-?edit/i;

/** What kind of page the pruning is for: threads and Q&A pages keep their posts' headers. */
export type PruneMode = 'article' | 'thread' | 'qa';

/**
 * Why `e` looks like boilerplate (its tag, the class or id word, its role), or null when it does not. Boxes
 * discarded for the same reason are a kind: the listing's cards all say "tag-…", "meta" or <header>.
 */
export function discardKind(e: Element, mode: PruneMode): string | null {
  if ((mode === 'article' ? PRUNE_TAGS : mode === 'qa' ? PRUNE_ON_QA : PRUNE_ON_THREADS).has(e.name))
    return e.name;
  const key = `${attr(e, 'class')} ${attr(e, 'id')}`;
  if (key.length > 1) {
    const pattern = mode === 'article' ? DISCARD : mode === 'qa' ? DISCARD_ON_QA : DISCARD_ON_THREADS;
    const m = pattern.exec(key);
    if (m) return `${e.name}.${(m[2] as string).toLowerCase()}`;
    if (mode !== 'article' && POSTER_FIGURES.test(key)) return `${e.name}.poster-figures`;
  }
  const role = attr(e, 'role');
  return role === 'complementary' || role === 'navigation' ? `${e.name}@${role}` : null;
}

/**
 * Removes in-article boilerplate below `roots` (not the roots themselves). In place. `kindShare`: the share
 * of the text that boxes of one boilerplate-looking kind must hold together to be kept as content. `mode`:
 * the kind of page (forum threads keep their posts' headers). `keep`: boxes that stay whatever they look like
 * (a listing's item parts).
 */
export function pruneContent(
  roots: Element[],
  stats: StatsMap,
  spare?: Element,
  mode: PruneMode = 'article',
  kindShare: number = KIND_SHARE,
  keep?: Set<Element>,
): void {
  let total = 0;
  for (const r of roots) total += stats.get(r)?.chars ?? 0;
  // a "discardable" box holding a big share of the text is the article itself, mislabelled
  const big = (e: Element) => (stats.get(e)?.chars ?? 0) > total * 0.3;
  // The kinds held as content, counted on first need: a box with nothing discardable in it (a huge table)
  // is not walked twice. The first need comes before anything is removed, so the count sees the whole box.
  let content: Set<string> | null = null;
  const isContent = (kind: string) => {
    if (!content) {
      content = new Set<string>();
      for (const [k, v] of kindShares(roots, stats, total * 0.3, mode))
        if (v.boxes >= KIND_BOXES && v.chars > total * kindShare) content.add(k);
    }
    return content.has(kind);
  };
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
      const kind = isElement(c) && c !== spare && !keep?.has(c) ? discardKind(c, mode) : null;
      if (kind !== null && !big(c as Element) && !isContent(kind)) {
        kept ??= children.slice(0, i);
        continue;
      }
      kept?.push(c);
      if (isElement(c)) stack.push(c);
    }
    if (kept) n.children = kept as never;
  }
}

/**
 * A listing's items are many small boxes, each too small to be "big", that all carry the same boilerplate-
 * looking mark (WordPress gives every post card a "tag-…" class, arXiv an abstract's box "meta", a card its
 * <header>): boxes of one kind holding together this share of the text are the content, not boilerplate.
 * Share buttons, captions and bylines repeat too, but hold little text between them.
 */
const KIND_SHARE = 0.4;
/** A page that says it is an article has its prose outside such boxes: its teaser sidebars are not it. */
export const KIND_SHARE_ARTICLE = 0.6;
const KIND_BOXES = 3;

interface Kind {
  boxes: number;
  chars: number;
}

/** Kinds that say a box is not shown (or only in a dialog): a page's hidden copy stays out however big. */
const UNSEEN = /\.(hidden|visually-?hidden|sr-only|screen-?reader\w*|modal|overlay|lightbox)$/;

/**
 * The text held by each kind of discardable box below `roots`, each box counted once: one inside another of
 * its kind is already in that one's text (nested widgets would otherwise count three times).
 */
function kindShares(roots: Element[], stats: StatsMap, big: number, mode: PruneMode): Map<string, Kind> {
  const out = new Map<string, Kind>();
  const open = new Set<string>();
  // an entry is an element to enter, or the kind to close once its subtree is done
  const stack: (Element | string)[] = [];
  const enter = (e: Element) => {
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i];
      if (c && isElement(c)) stack.push(c);
    }
  };
  for (const r of roots) enter(r);
  while (stack.length) {
    const e = stack.pop() as Element | string;
    if (typeof e === 'string') {
      open.delete(e);
      continue;
    }
    step();
    const kind = discardKind(e, mode);
    const chars = stats.get(e)?.chars ?? 0;
    // a box big on its own is kept anyway; the kind is of the many small ones
    if (kind !== null && !open.has(kind) && chars <= big && !UNSEEN.test(kind)) {
      const k = out.get(kind);
      if (k) {
        k.boxes++;
        k.chars += chars;
      } else out.set(kind, { boxes: 1, chars });
      open.add(kind);
      stack.push(kind);
    }
    enter(e);
  }
  return out;
}
