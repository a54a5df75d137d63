import { Element as ElementNode } from 'domhandler';
import { cleanTree } from './clean.js';
import {
  attr,
  collapse,
  type Document,
  type Element,
  elements,
  firstByName,
  isElement,
  textOf,
} from './dom.js';
import type { PageType, PageTypeName } from './page-type.js';
import { UNLIKELY, UNLIKELY_ON_FORUMS } from './patterns.js';
import { pruneContent } from './prune.js';
import { type Block, renderBlocks } from './render.js';
import { computeStats, linkDensity, type Stats, type StatsMap } from './score.js';
import { selectByScore } from './select.js';

export interface MainContent {
  blocks: Block[];
  nodes: Element[];
}

/** Finds the main content of a parsed page (mutates the tree: boilerplate is removed). */
export function mainContent(doc: Document, type?: PageType): MainContent {
  const pageType = type?.type;
  const body = firstByName(doc, 'body') ?? firstByName(doc, 'html') ?? wrapRoot(doc);
  unwrapServerNoscript(body);
  cleanTree(body);
  const pre = computeStats(body);
  const total = pre.get(body) as Stats;
  // never drop by class name a node holding most of the page's paragraphs (e.g. "Page-ad-margins" wrappers)
  cleanTree(
    body,
    (e) => {
      const s = pre.get(e);
      return !!s && (s.paras > total.paras * 0.4 || s.chars - s.links > (total.chars - total.links) * 0.4);
    },
    pageType === 'forum' ? UNLIKELY_ON_FORUMS : UNLIKELY,
  );
  const stats = computeStats(body);
  const sel = selectByScore(body, stats);
  let nodes = sel ? sel.nodes : [body];
  // an article the page itself does not declare (no schema.org/Open Graph type) may be a service page
  if (sel && type && pageType !== 'documentation' && (pageType !== 'article' || type.confidence < 0.75))
    nodes = widenForType(sel.top, nodes, stats, body, type.type);
  pruneContent(nodes, stats);
  const linky = pageType === 'listing' || pageType === 'collection';
  const blocks = renderBlocks(nodes).filter((b) => linky || keepBlock(b));
  if (blocks.length) return { blocks, nodes };
  // nothing article-like: a partial document (all remaining text) beats an empty one
  const all = renderBlocks([body]);
  const kept = all.filter(keepBlock);
  return { blocks: kept.length ? kept : all, nodes: [body] };
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
  for (let p = top.parent; p && p !== body && isElement(p); p = p.parent) {
    const st = stats.get(p);
    if (!st || linkDensity(st) >= maxLd) break;
    const own = (x: Stats) => x.chars - x.links;
    if (own(st) < own(curSt) * 1.3) continue;
    if (own(st) > own(stats.get(body) as Stats) * 0.9) break;
    cur = p;
    curSt = st;
  }
  return cur === top ? nodes : [cur];
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

function keepBlock(b: Block): boolean {
  const len = b.text.length;
  if (b.links > 0 && b.links / len > 0.5) return false;
  return true;
}
