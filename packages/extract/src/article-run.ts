import { contains, type Element, isElement } from './dom.js';
import type { StatsMap } from './score.js';

// A page that says it is an article (schema.org, Open Graph) is read as the scorer's choice, unwidened. Page
// builders cut one article into many sibling boxes (Elementor's sections, each a heading and a few paragraphs
// nested six boxes deep, too deep for the scorer to credit their common parent), and the scorer's choice is then
// one of them: one app of a fifteen-app comparison. The box that holds the choice and its siblings is the
// article when the choice is a minority of its text and what the siblings add is prose, not links.

/** The choice is widened while it holds less than this share of the box around it. */
const MINORITY = 0.5;
/** What the wider box adds is prose when under this share of it is link text (a teaser grid's is far more). */
const ADDED_LINKS = 0.15;
/** How far up the wider box may be: the parent or the grandparent (further up lie copies and whole columns). */
const LEVELS = 2;

/**
 * The box around `top` (parent or grandparent, below <body>) that holds `nodes` when they are less than half
 * its text and the rest of it is mostly not links; `nodes` otherwise.
 */
export function articleRun(top: Element, nodes: Element[], stats: StatsMap, body: Element): Element[] {
  let chosen = 0;
  let links = 0;
  for (const n of nodes) {
    chosen += stats.get(n)?.chars ?? 0;
    links += stats.get(n)?.links ?? 0;
  }
  let out = nodes;
  let level = 0;
  for (let p = top.parent; p && p !== body && isElement(p) && level < LEVELS; p = p.parent, level++) {
    const s = stats.get(p);
    if (!s) break;
    const added = s.chars - chosen;
    if (added > 0 && (s.links - links) / added >= ADDED_LINKS) break;
    if (chosen >= s.chars * MINORITY || !out.every((n) => n === p || contains(p, n))) continue;
    out = [p];
    chosen = s.chars;
    links = s.links;
  }
  return out;
}
