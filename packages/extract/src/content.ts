import { Element as ElementNode } from 'domhandler';
import { withoutAdjacentRepeats } from './adjacent-repeats.js';
import { articleRun } from './article-run.js';
import { shownPrice, withoutCardActions } from './card-actions.js';
import { cleanTree, redundantLink } from './clean.js';
import {
  type AnyNode,
  attr,
  collapse,
  contains,
  type Document,
  type Element,
  elements,
  firstByName,
  isElement,
  textOf,
  within,
} from './dom.js';
import { footerOf, footerText } from './footer-box.js';
import { dropRepeatedQuotes } from './forum-quotes.js';
import { threadBox } from './forum-thread.js';
import { hiddenByClass } from './hidden-class.js';
import { declaredItemList, findItemList, type ItemList } from './item-list.js';
import { itemParts } from './item-parts.js';
import { markedArticle } from './marked-article.js';
import { sellingHeading } from './page-heading.js';
import type { PageType, PageTypeName } from './page-type.js';
import { UNLIKELY, UNLIKELY_ON_FORUMS } from './patterns.js';
import { dropPlaceholders } from './placeholder-text.js';
import { holdsAnchor, type ProductHint, productAnchors, productBlock } from './product-block.js';
import { boundedByBuyBox, buyBox } from './product-box.js';
import { withoutRepeats } from './product-repeats.js';
import { unrenderedShell } from './product-shell.js';
import { discardKind, KIND_SHARE_ARTICLE, type PruneMode, pruneContent } from './prune.js';
import { placeStreamedSegments } from './react-stream.js';
import { type Block, renderBlocks } from './render.js';
import { revealable } from './reveal.js';
import { computeStats, linkDensity, restats, type Stats, type StatsMap } from './score.js';
import { copyParagraphs, linkedCopy, restoreCopy } from './section-copy.js';
import { selectByScore } from './select.js';
import { isTeaserBox } from './teaser-box.js';

export interface MainContent {
  blocks: Block[];
  nodes: Element[];
  /** Found by the page's own structured data (a product's name and description): no second opinion. */
  anchored?: boolean;
  /**
   * Set when all the page had left was its footer (a shop's app shell whose items scripts draw): the
   * footer's text, so that a second opinion that picks the same footer is not taken either.
   */
  footer?: string;
  /** Set when the page is a shop's app shell whose product scripts draw (`unrenderedShell`): a second opinion counts only when it is not the frame again. */
  shell?: true;
}

/** What the page's structured data says about its content. */
export interface ContentHints {
  /** The JSON-LD Product, when the page has one. */
  product?: ProductHint | undefined;
  /** The URLs of the JSON-LD ItemList's items, when the page declares one. */
  itemUrls?: string[] | undefined;
  /** The page's URL, to resolve those. */
  url?: string | undefined;
}

/** Finds the main content of a parsed page (mutates the tree: boilerplate is removed). */
export function mainContent(doc: Document, type?: PageType, hints: ContentHints = {}): MainContent {
  const { product } = hints;
  const pageType = type?.type;
  // a page of items: a listing (posts, results) or a collection (a shop's category)
  const itemPage = pageType === 'listing' || pageType === 'collection';
  const body = firstByName(doc, 'body') ?? firstByName(doc, 'html') ?? wrapRoot(doc);
  unwrapServerNoscript(body);
  // not yet on product pages: there the buy-box rules take the lowest box holding the first <h1>, and a
  // streamed product box (huel.com's) brings its <h1> in, narrowing the text to the buy box (wcxb-dev 0589)
  if (pageType !== 'product') placeStreamedSegments(body);
  const anchors = pageType === 'product' && product ? productAnchors(body, product) : null;
  const spare = anchors ? (e: Element) => holdsAnchor(e, anchors) : undefined;
  const { ids: panels, tabs } = revealable(body);
  const buy = pageType === 'product' ? buyBox(body) : null;
  // a hidden panel that a control opens stays (a closed FAQ answer); it is still judged by its class
  // a shop's cards show their prices, even those marked for screen readers to skip (on a listing, a
  // collection, or a page of priced cards that is not one product's own page)
  const cards =
    itemPage || (pageType !== 'product' && !!type?.signals.some((s) => s.startsWith('cards-with-prices:')));
  // a card's summary linked again (aria-hidden, out of the tab order) is on screen on a page of cards: a
  // listing or collection, priced cards, or a run of <article> boxes that are not a thread's posts (a thread's
  // avatar and permalink links are marked the same way, and are the board's)
  const cardRun =
    cards ||
    (!!type?.signals.some((s) => s.startsWith('articles:')) &&
      !type.signals.some((s) => s.startsWith('posts:')));
  const shown = (e: Element) =>
    !!spare?.(e) ||
    (panels.size > 0 && panels.has(attr(e, 'id'))) ||
    (tabs && attr(e, 'role') === 'tabpanel') ||
    (cards && shownPrice(e)) ||
    (cardRun && redundantLink(e));
  cleanTree(body, undefined, UNLIKELY, shown);
  // a service page's paragraphs of copy, before the class-based cleaning takes some for boilerplate
  const copy = pageType === 'service' ? copyParagraphs(body) : [];
  const pre = computeStats(body);
  const total = pre.get(body) as Stats;
  // the box of the page's own JSON-LD ItemList is kept whatever it and its cards are called ("recirc")
  const ownList = hints.itemUrls?.length
    ? declaredItemList(body, pre, hints.itemUrls, hints.url)?.el
    : undefined;
  // so is the box of a listing's or collection's run of item cards, and the boxes around it (a shop's product
  // grid inside its "pagination" box); not what the cards hold
  const runBox = itemPage ? findItemList(body, pre)?.el : undefined;
  // a listing's or collection's own heading box (its <h1>, the list's introduction) is kept whatever its class
  // says ("taxonomy-header", "hero-banner"): a site's logo heading is a link, and is not the list's
  const h1 = itemPage ? firstByName(body, 'h1') : null;
  const listHead = h1 && !firstByName(h1, 'a') && !within(h1, 'a') ? h1 : null;
  // a listing's cards keep their own headers (the item's linked title), whatever the class says
  const cardHeaders = itemPage ? itemParts([body], pre, cardHeaderKind) : undefined;
  // never drop by class name a node holding most of the page's paragraphs (e.g. "Page-ad-margins" wrappers)
  const touched: AnyNode[] = [];
  const changed = cleanTree(
    body,
    (e) => {
      if (spare?.(e)) return true;
      if (cardHeaders?.has(e)) return true;
      if (listHead && contains(e, listHead) && listHeading(e, pre, total)) return true;
      if (ownList && (e === ownList || contains(e, ownList) || contains(ownList, e))) return true;
      if (runBox && (e === runBox || contains(e, runBox))) return true;
      const s = pre.get(e);
      return !!s && (s.paras > total.paras * 0.4 || s.chars - s.links > (total.chars - total.links) * 0.4);
    },
    pageType === 'forum' ? UNLIKELY_ON_FORUMS : UNLIKELY,
    shown,
    // a page hidden whole until its script runs ("root hide") holds its heading
    (e) => hiddenByClass(e) && !firstByName(e, 'h1'),
    touched,
  );
  // the strict pass removes nothing from most huge pages (a table): their statistics still hold; else only
  // the boxes that lost a child and their ancestors are counted again
  const stats = changed ? restats(body, pre, touched) : pre;
  const sel = selectByScore(body, stats);
  let nodes = sel ? sel.nodes : [body];
  // an article the page itself does not declare (no schema.org/Open Graph type) may be a service page
  if (sel && type && pageType !== 'documentation' && (pageType !== 'article' || type.confidence < 0.75))
    nodes = widenForType(sel.top, nodes, stats, body, type.type);
  // one that does is still its whole run of boxes when the scorer chose one of them (a page builder's section)
  else if (sel && pageType === 'article') nodes = articleRun(sel.top, nodes, stats, body);
  const marked = sel && pageType === 'article' ? markedArticle(nodes, stats) : null;
  if (marked) nodes = [marked];
  // an article's siblings that are grids of other stories are not more of it
  else if (sel && pageType === 'article' && nodes.length > 1)
    nodes = nodes.filter((n) => n === sel.top || !isTeaserBox(n));
  const thread = sel && pageType === 'forum' ? threadBox(body, stats, nodes) : null;
  if (thread) nodes = [thread];
  const block = anchors ? productBlock(body, stats, anchors, nodes) : null;
  const declared = hints.itemUrls && !block ? declaredItemList(body, stats, hints.itemUrls, hints.url) : null;
  const listed = type && !block ? withItemList(nodes, stats, body, type, declared, hints.url) : null;
  if (block) nodes = block;
  else if (listed) nodes = listed;
  // a product page its structured data did not place is its buy box when the choice holds it and more
  const bounded = buy && !block ? boundedByBuyBox(buy, body, nodes, stats) : null;
  if (bounded) nodes = bounded;
  // all the page has left is its footer (a shop's app shell, its content drawn by scripts): no main content;
  // a page that says it is an article has one, which we missed
  const sure = pageType === 'article' && (type?.confidence ?? 0) >= 0.75;
  const first = !sure && nodes[0] ? footerOf(nodes[0]) : null;
  const footer = first && nodes.slice(1).every((n) => footerOf(n) !== null) ? first : null;
  if (footer) return { blocks: [], nodes: [], footer: footerText(footer) };
  // the product's own name heads its block (pruning drops <h1>s elsewhere: they repeat the title); a
  // product or service page found without it is still headed by its first <h1>: what it sells
  const anchored = !!anchors && nodes.some((n) => holdsAnchor(n, anchors));
  const article = pageType === 'article' && !!type?.signals.some((s) => DECLARED_ARTICLE.test(s));
  const linky = itemPage || listed !== null;
  const mode = pruneMode(type);
  // a template's unfilled sections (shops and service pages are built from them)
  if (pageType === 'product' || pageType === 'service' || pageType === 'collection')
    dropPlaceholders(nodes, stats);
  // a reply's quote of a post the thread already shows
  if (pageType === 'forum') dropRepeatedQuotes(nodes);
  pruneContent(
    nodes,
    stats,
    anchored ? anchors?.heading : sellingHeading(nodes, pageType),
    mode,
    article ? KIND_SHARE_ARTICLE : undefined,
    // a listing's items keep their titles (each card's <header> or <h1>)
    linky ? itemParts(nodes, stats, (e) => titleKind(discardKind(e, mode))) : undefined,
  );
  // the copy the cleaning and pruning removed from inside the chosen sections comes back
  restoreCopy(nodes, copy);
  const drawn = renderBlocks(nodes);
  // a thread's linked user names, each before a post, are not teaser titles
  // a listing's or collection's cards each end in the same "View Details" or "Add to cart"
  const rendered = linky
    ? withoutCardActions(drawn)
    : pageType === 'forum'
      ? drawn.filter(keepBlock)
      : keepBlocks(drawn, copy.length ? linkedCopy(copy) : undefined);
  // articles repeat runs of paragraphs on purpose (a meal plan per week); shops by accident
  const shop = pageType === 'product' || pageType === 'collection' || pageType === 'service';
  const unrepeated = shop ? once(rendered) : rendered;
  // a listing's cards drawn twice over (one copy a screen size)
  const single = itemPage ? withoutAdjacentRepeats(unrepeated) : unrepeated;
  const blocks = pageType === 'product' ? withoutRepeats(single) : single;
  if (pageType === 'product' && !anchored && unrenderedShell(blocks, product?.name))
    return { blocks: [], nodes: [], shell: true };
  if (blocks.length) return anchored ? { blocks, nodes, anchored } : { blocks, nodes };
  // nothing article-like: a partial document (all remaining text) beats an empty one
  const all = renderBlocks([body]);
  const kept = keepBlocks(all);
  return { blocks: kept.length ? kept : all, nodes: [body] };
}

/** Of the boxes pruning drops, those that hold an item's title: its <header>, its <h1>. */
const titleKind = (kind: string | null): string | null => (kind === 'header' || kind === 'h1' ? kind : null);

const HEADER_CLASS = /header/i;
/** A box the strict cleaning would drop as a header by its class or id. */
function cardHeaderKind(e: Element): string | null {
  if (!HEADER_CLASS.test(attr(e, 'class')) && !HEADER_CLASS.test(attr(e, 'id'))) return null;
  return holdsHeading(e) ? 'header' : null;
}

const HEADING = /^h[1-6]$/;
/**
 * Whether a box holding a list's <h1> is its heading box: mostly words, not links (a menu around a heading
 * is the site's), and a small share of the page (not a wrapper of the whole list).
 */
function listHeading(e: Element, stats: StatsMap, total: Stats): boolean {
  const s = stats.get(e);
  return !!s && linkDensity(s) < 0.3 && s.chars < total.chars * 0.3;
}

/** Whether `e` is or holds a heading. */
function holdsHeading(e: Element): boolean {
  if (HEADING.test(e.name)) return true;
  for (const x of elements(e)) if (HEADING.test(x.name)) return true;
  return false;
}

/** A forum thread keeps its replies and its posts' headers; a Q&A page (schema.org Question) its answers'. */
function pruneMode(type: PageType | undefined): PruneMode {
  if (type?.type !== 'forum') return 'article';
  return type.signals.some((s) => /:(QAPage|Question)$/.test(s)) ? 'qa' : 'thread';
}

/**
 * Pages that are not articles keep their content in many boxes (posts, product details and specs, list
 * items, service blocks), and the article scorer picks one of them. Their main container (<main>, or
 * role=main) holds them all; without one, climb while the ancestor adds mostly non-link text.
 */
function widenForType(
  top: Element,
  nodes: Element[],
  stats: StatsMap,
  body: Element,
  pageType: PageTypeName,
): Element[] {
  const linky = pageType === 'listing' || pageType === 'collection';
  const maxLd = linky ? 0.7 : 0.5;

  for (let p = top.parent; p && p !== body && isElement(p); p = p.parent) {
    if (p.name === 'main' || attr(p, 'role') === 'main') {
      const st = stats.get(p);
      if (st && linkDensity(st) < maxLd) return [p];
    }
  }
  let cur = top;
  let curSt = stats.get(top);
  if (!curSt) return nodes;
  // a service page is its run of sections, from the hero to the last call to action: whatever the
  // cleaning left of the page, up to <body> itself (as in WCXB's truth); other pages stop short of it
  const service = pageType === 'service';
  for (let p = top.parent; p && (p !== body || service) && isElement(p); p = p.parent) {
    const st = stats.get(p);
    if (!st || linkDensity(st) >= maxLd) break;
    const own = (x: Stats) => x.chars - x.links;
    if (own(st) < own(curSt) * 1.3) continue;
    if (!service && own(st) > own(stats.get(body) as Stats) * 0.9) break;
    cur = p;
    curSt = st;
    if (p === body) break;
  }
  return cur === top ? nodes : [cur];
}

const SCHEMA_ARTICLE = /^(json-ld|microdata):\w*(Article|Posting|Report)$/;
const DECLARED_ARTICLE = new RegExp(`${SCHEMA_ARTICLE.source}|^og:article$`);

/**
 * A listing or collection is its run of item boxes: when the page says it is one and the run holds about as
 * much text as what the scorer chose, or when the page is not a declared article and the run holds far
 * more, the run (with what was chosen, when both sit in one box of not much more) becomes the content.
 */
function withItemList(
  nodes: Element[],
  stats: StatsMap,
  body: Element,
  type: PageType,
  declared: ItemList | null,
  url?: string,
): Element[] | null {
  const list = declared ?? findItemList(body, stats);
  if (!list) return null;
  const chosen = nodes.reduce((n, e) => n + (stats.get(e)?.chars ?? 0), 0);
  // a list the page declares in its JSON-LD is its content, whatever else it calls itself
  const linky = declared !== null || type.type === 'listing' || type.type === 'collection';
  // a "forum" with no post boxes is one by its URL alone (/topic/ is also a news tag page), unless its URL
  // numbers the thread: then it is a board whose post boxes we do not know, and its run of links (similar
  // threads, the members online) is not its content
  const thread =
    type.type === 'forum' && (type.signals.some((s) => s.startsWith('posts:')) || threadNumber(url));
  // item cards are short; boxes of a thousand characters each are sections (or a yearly archive)
  const cards = list.items >= 8 && list.chars / list.items <= 600;
  // a page that says it is an article (schema.org, Open Graph) is taken at its word, but Open Graph's
  // "article" is on every page of many CMSs (tag and topic pages too): a page typed article by it alone
  // yields to a run of item cards
  const ogArticle = type.signals.includes('og:article') && (type.type !== 'article' || !cards);
  const undeclared =
    type.type !== 'documentation' &&
    !thread &&
    type.confidence < 0.75 &&
    !ogArticle &&
    !type.signals.some((s) => SCHEMA_ARTICLE.test(s));
  // the chosen box already holds the run: it is kept, link-headed items and all, when the run is most of it
  if (nodes.some((n) => n === list.el || contains(n, list.el)))
    return (linky || undeclared) && list.chars >= chosen * 0.5 ? nodes : null;
  if (
    !declared &&
    !(linky && list.chars >= chosen * 0.8) &&
    !(undeclared && cards && list.chars > chosen * 2)
  )
    return null;
  if (nodes.some((n) => contains(list.el, n))) return [list.el];
  const top = nodes[0];
  if (top) {
    for (let p = list.el.parent; p && p !== body && isElement(p); p = p.parent) {
      if (!contains(p, top)) continue;
      if ((stats.get(p)?.chars ?? 0) <= (list.chars + chosen) * 1.25) return [p];
      break;
    }
  }
  return [list.el];
}

/**
 * Whether the page's address holds a number, as a board's address of a thread does (/threads/title.123456/,
 * /t/title/123456, viewtopic.php?t=123456, /topic/18427-title): a tag or section page (/topic/headphones) is
 * named, not numbered.
 */
function threadNumber(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return /\d{3,}/.test(u.pathname + u.search);
  } catch {
    return false;
  }
}

/**
 * Single-page apps that serve crawlers their content inside <noscript> (Discourse's whole thread, for one):
 * when one <noscript> holds more text than the rest of the page, it is the page, and becomes a <div>.
 */
function unwrapServerNoscript(body: Element): void {
  let best: Element | null = null;
  let bestLen = 0;
  for (const e of elements(body)) {
    if (e.name !== 'noscript') continue;
    const n = collapse(textOf(e)).length;
    if (n > bestLen) {
      best = e;
      bestLen = n;
    }
  }
  if (!best || bestLen < 200) return;
  const total = collapse(textOf(body)).length;
  if (bestLen < (total - bestLen) * 1.5) return;
  best.name = 'div';
}

/** A fragment without <html>/<body>: hang its top-level nodes under a synthetic <body>. */
function wrapRoot(doc: Document): Element {
  const body = new ElementNode('body', {}, doc.children);
  for (const c of doc.children) c.parent = body;
  doc.children = [body];
  body.parent = doc;
  return body;
}

/**
 * Shops render the same box twice or more (a desktop and a mobile copy, a carousel's clones): a run of at
 * least RUN paragraphs (and RUN_CHARS characters: a job board repeats "Full-Time | Anywhere | $100k" under
every job) met again word for word, in the same order, is dropped. Single repeated paragraphs
 * stay (a coupon page repeats its small print under every offer, and so does its ground truth).
 */
const RUN = 3;
const RUN_CHARS = 150;
function once(blocks: Block[]): Block[] {
  const first = new Map<string, number>();
  const out: Block[] = [];
  for (let i = 0; i < blocks.length; ) {
    const j = first.get((blocks[i] as Block).text);
    let k = 0;
    if (j !== undefined)
      while (i + k < blocks.length && j + k < i && blocks[j + k]?.text === blocks[i + k]?.text) k++;
    let chars = 0;
    for (let m = 0; m < k; m++) chars += (blocks[i + m] as Block).text.length;
    if (k >= RUN && chars >= RUN_CHARS) {
      i += k;
      continue;
    }
    const b = blocks[i] as Block;
    if (!first.has(b.text)) first.set(b.text, i);
    out.push(b);
    i++;
  }
  return out;
}

/**
 * Drops link-dominated blocks (menus, tag clouds, "read more"), except the titles of teasers: a blog's
 * front page or archive is linked titles, each followed by its summary, and a title is kept when the page
 * has at least TEASERS such title-then-summary pairs.
 */
const TEASERS = 4;
function keepBlocks(blocks: Block[], copy?: Set<Element>): Block[] {
  const teaser = (i: number) => {
    const b = blocks[i] as Block;
    const next = blocks[i + 1];
    return (
      !keepBlock(b) &&
      b.text.length <= 200 &&
      next !== undefined &&
      next.links === 0 &&
      next.text.length >= 40
    );
  };
  let pairs = 0;
  for (let i = 0; i < blocks.length && pairs < TEASERS; i++) if (teaser(i)) pairs++;
  return blocks.filter((b, i) => keepBlock(b) || (pairs >= TEASERS && teaser(i)) || !!copy?.has(b.el));
}

function keepBlock(b: Block): boolean {
  const len = b.text.length;
  if (b.links > 0 && b.links / len > 0.5) return false;
  return true;
}
