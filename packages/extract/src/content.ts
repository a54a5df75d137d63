import { Element as ElementNode } from 'domhandler';
import { cleanTree } from './clean.js';
import { type Document, type Element, firstByName } from './dom.js';
import { pruneContent } from './prune.js';
import { type Block, renderBlocks } from './render.js';
import { computeStats, type Stats } from './score.js';
import { selectByScore } from './select.js';

export interface MainContent {
  blocks: Block[];
  nodes: Element[];
}

/** Finds the main content of a parsed page (mutates the tree: boilerplate is removed). */
export function mainContent(doc: Document): MainContent {
  const body = firstByName(doc, 'body') ?? firstByName(doc, 'html') ?? wrapRoot(doc);
  cleanTree(body);
  const pre = computeStats(body);
  const total = pre.get(body) as Stats;
  // never drop by class name a node holding most of the page's paragraphs (e.g. "Page-ad-margins" wrappers)
  cleanTree(body, (e) => {
    const s = pre.get(e);
    return !!s && (s.paras > total.paras * 0.4 || s.chars - s.links > (total.chars - total.links) * 0.4);
  });
  const stats = computeStats(body);
  const sel = selectByScore(body, stats);
  const nodes = sel ? sel.nodes : [body];
  pruneContent(nodes, stats);
  const blocks = renderBlocks(nodes).filter(keepBlock);
  if (blocks.length) return { blocks, nodes };
  // nothing article-like: a partial document (all remaining text) beats an empty one
  const all = renderBlocks([body]);
  const kept = all.filter(keepBlock);
  return { blocks: kept.length ? kept : all, nodes: [body] };
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
