import { type AnyNode, attr, type Element, isElement } from './dom.js';
import { BLOCK_TAGS, NEGATIVE, POSITIVE } from './patterns.js';
import { step } from './work.js';

// A Readability-style paragraph scorer (Readability.js _grabArticle, simplified to one
// pass over a read-only htmlparser2 tree). Hand-written because Readability.js needs a
// full DOM (which costs more than our whole budget) and mutates it between retries.

export interface Stats {
  chars: number; // collapsed text length
  links: number; // collapsed text length inside <a>
  commas: number;
  paras: number; // paragraph-like descendants with >= 25 chars
  own: number; // text not inside a block child (a paragraph's worth of text in a mixed div)
  ownCommas: number;
}

export type StatsMap = Map<Element, Stats>;

/**
 * Adds a text node's own text to its element's stats: its length with whitespace runs counted as one, leading
 * ones not at all, and its commas, in one scan.
 */
function addText(s: Stats, text: string): void {
  let n = 0;
  let commas = 0;
  let sp = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ws = c === 32 || c === 10 || c === 9 || c === 13 || c === 160 || c === 12;
    if (ws) {
      if (!sp) n++;
      sp = true;
    } else {
      n++;
      sp = false;
      if (c === 44 || c === 0xff0c) commas++;
    }
  }
  s.chars += n;
  s.commas += commas;
  s.own += n;
  s.ownCommas += commas;
}

/**
 * One post-order pass: text, link-text and comma counts for every element. With `prev` (the statistics of
 * the tree before some of its nodes lost children), an element outside `dirty` keeps its entry of `prev`:
 * its subtree did not change. The walk, its order and its steps are the same either way.
 */
export function computeStats(root: Element, prev?: StatsMap, dirty?: ReadonlySet<AnyNode>): StatsMap {
  const map: StatsMap = new Map();
  const order: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    order.push(e);
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const e = order[i] as Element;
    const kept = prev && !dirty?.has(e) ? prev.get(e) : undefined;
    if (kept) {
      map.set(e, kept);
      continue;
    }
    const s: Stats = { chars: 0, links: 0, commas: 0, paras: 0, own: 0, ownCommas: 0 };
    for (const c of e.children) {
      if (c.type === 'text') addText(s, (c as { data: string }).data);
      else if (isElement(c)) {
        const cs = map.get(c);
        if (!cs) continue;
        s.chars += cs.chars;
        s.commas += cs.commas;
        s.links += c.name === 'a' ? cs.chars : cs.links;
        s.paras += cs.paras;
        if (!BLOCK_TAGS.has(c.name)) {
          s.own += cs.chars;
          s.ownCommas += cs.commas;
        }
      }
    }
    if (isParagraphLike(e) && s.chars >= 25) s.paras++;
    map.set(e, s);
  }
  return map;
}

export const hasBlockChild = (e: Element): boolean =>
  e.children.some((c) => isElement(c) && BLOCK_TAGS.has(c.name));

export function isParagraphLike(e: Element): boolean {
  const n = e.name;
  if (n === 'p' || n === 'pre' || n === 'td' || n === 'blockquote') return true;
  if (n === 'div' || n === 'section' || n === 'article' || n === 'span' || n === 'font') {
    // a div holding only inline content is a paragraph in disguise (Readability does the same)
    return (
      !hasBlockChild(e) &&
      e.children.some((c) => c.type === 'text' && /\S/.test((c as { data: string }).data))
    );
  }
  return false;
}

const MIXED_TAGS = new Set(['div', 'section', 'article', 'main', 'td', 'font', 'span', 'center', 'body']);

export function classWeight(e: Element): number {
  let w = 0;
  for (const v of [attr(e, 'class'), attr(e, 'id')]) {
    if (!v) continue;
    if (NEGATIVE.test(v)) w -= 25;
    if (POSITIVE.test(v)) w += 25;
  }
  return w;
}

function tagBase(name: string): number {
  switch (name) {
    case 'div':
    case 'article':
    case 'main':
      return 5;
    case 'pre':
    case 'td':
    case 'blockquote':
      return 3;
    case 'address':
    case 'ol':
    case 'ul':
    case 'dl':
    case 'dd':
    case 'dt':
    case 'li':
    case 'form':
      return -3;
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
    case 'th':
      return -5;
    default:
      return 0;
  }
}

export const linkDensity = (s: Stats | undefined): number => (s && s.chars > 0 ? s.links / s.chars : 0);

/**
 * The statistics of `root` after the nodes `touched` lost children (cleanTree), from those before (`prev`):
 * only the touched nodes and their ancestors are counted again. What computeStats(root) gives.
 */
export function restats(root: Element, prev: StatsMap, touched: readonly AnyNode[]): StatsMap {
  const dirty = new Set<AnyNode>();
  for (const t of touched)
    for (let p: AnyNode | null = t; p && !dirty.has(p); p = p.parent) {
      dirty.add(p);
      if (p === root) break;
    }
  return computeStats(root, prev, dirty);
}

/** Readability-style candidate scores: paragraphs feed their ancestors, damped by level. */
export function scoreCandidates(body: Element, stats: StatsMap): Map<Element, number> {
  const scores = new Map<Element, number>();
  for (const [e, s] of stats) {
    let chars = s.chars;
    let commas = s.commas;
    let p = e.parent;
    if (!isParagraphLike(e) || hasParagraphLikeAncestorLeaf(e)) {
      // text runs directly in a div that also has block children: Readability wraps them in a <p>
      if (s.own < 25 || !MIXED_TAGS.has(e.name)) continue;
      chars = s.own;
      commas = s.ownCommas;
      p = e;
    } else if (chars < 25) continue;
    const score = 1 + commas + Math.min(Math.floor(chars / 100), 3);
    for (let level = 0; p && isElement(p) && level < 5; level++, p = p.parent) {
      step();
      if (!scores.has(p)) scores.set(p, tagBase(p.name) + classWeight(p));
      const div = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      scores.set(p, (scores.get(p) as number) + score / div);
      if (p === body) break;
    }
  }
  for (const [e, v] of scores) scores.set(e, v * (1 - linkDensity(stats.get(e))));
  return scores;
}

// td inside a td-scored table etc. would double count; only the innermost paragraph counts.
function hasParagraphLikeAncestorLeaf(e: Element): boolean {
  const p = e.parent;
  return !!p && isElement(p) && (p.name === 'p' || p.name === 'blockquote') && e.name !== 'p';
}

export function isBlock(n: AnyNode): boolean {
  return isElement(n) && BLOCK_TAGS.has(n.name);
}
