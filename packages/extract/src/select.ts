import { attr, contains, type Element, isElement } from './dom.js';
import { linkDensity, type StatsMap, scoreCandidates } from './score.js';
import { step } from './work.js';

/** The top-scored container plus the siblings that look like more of the same article. */
export interface Selection {
  top: Element;
  nodes: Element[];
}

export function selectByScore(body: Element, stats: StatsMap): Selection | null {
  const scores = scoreCandidates(body, stats);
  let top: Element | null = null;
  let best = -Infinity;
  for (const [e, v] of scores) {
    if (v > best) {
      best = v;
      top = e;
    }
  }
  if (!top) return null;
  top = climb(top, scores, best);
  best = scores.get(top) ?? best;
  const nodes = withCousins(top, siblings(top, scores, best, stats), stats);
  return { top, nodes };
}

/** Readability's two climbs: to a common ancestor of close runners-up, and past only-children. */
function climb(top: Element, scores: Map<Element, number>, best: number): Element {
  const close = [...scores].filter(([e, v]) => e !== top && v >= best * 0.75).map(([e]) => e);
  if (close.length >= 3) top = lowestHoldingThree(top, close);
  let last = scores.get(top) ?? best;
  const threshold = last / 3;
  for (let p = top.parent; p && isElement(p) && p.name !== 'body'; p = p.parent) {
    step();
    const ps = scores.get(p);
    if (ps === undefined) continue;
    if (ps < threshold) break;
    if (ps > last) {
      top = p;
      break;
    }
    last = ps;
  }
  while (top.parent && isElement(top.parent) && top.parent.name !== 'body') {
    const elKids = top.parent.children.filter(isElement);
    if (elKids.length !== 1) break;
    top = top.parent;
  }
  return top;
}

/**
 * The lowest ancestor of `top` (below <body>) holding at least three of `close`, or `top`. Each runner-up
 * climbs only to the first ancestor of `top` it meets (the lowest box holding both), so the work is the
 * runners-up's distance to `top`'s line, not runners-up times ancestors times depth (a page of equal rows
 * each a few boxes deep made that 120 steps a tag).
 */
function lowestHoldingThree(top: Element, close: Element[]): Element {
  const line: Element[] = [];
  const index = new Map<Element, number>();
  for (let p = top.parent; p && isElement(p) && p.name !== 'body'; p = p.parent) {
    step();
    index.set(p, line.length);
    line.push(p);
  }
  const held = new Array<number>(line.length).fill(0);
  for (const c of close) {
    for (let q = c.parent; q && isElement(q) && q.name !== 'body'; q = q.parent) {
      step();
      const k = index.get(q);
      if (k !== undefined) {
        held[k] = (held[k] as number) + 1;
        break;
      }
    }
  }
  let n = 0;
  for (let k = 0; k < line.length; k++) {
    n += held[k] as number;
    if (n >= 3) return line[k] as Element;
  }
  return top;
}

function siblings(top: Element, scores: Map<Element, number>, best: number, stats: StatsMap): Element[] {
  const parent = top.parent;
  if (!parent || !isElement(parent)) return [top];
  const threshold = Math.max(10, best * 0.2);
  const cls = attr(top, 'class');
  const out: Element[] = [];
  for (const s of parent.children) {
    if (!isElement(s)) continue;
    if (s === top) {
      out.push(s);
      continue;
    }
    let bonus = 0;
    if (cls && attr(s, 'class') === cls) bonus += best * 0.2;
    const sc = scores.get(s);
    if (sc !== undefined && sc + bonus >= threshold) {
      out.push(s);
      continue;
    }
    if (s.name === 'p') {
      const st = stats.get(s);
      if (!st) continue;
      const ld = linkDensity(st);
      if (
        (st.chars > 80 && ld < 0.25) ||
        (st.chars > 0 && st.chars < 80 && ld === 0 && /\.( |$)/.test(textTail(s)))
      )
        out.push(s);
    }
  }
  return out;
}

function textTail(e: Element): string {
  const last = e.children[e.children.length - 1];
  return last && last.type === 'text' ? (last as { data: string }).data.trim() : '';
}

/**
 * Articles split into chunks by ads (<div class="article-body">…ad…<div class="article-body">)
 * put each chunk in its own wrapper; a chunk's siblings are then not the other chunks. Up
 * to three levels above the top candidate, boxes with exactly the top's class and a low
 * link density are more of the same article.
 */
function withCousins(top: Element, nodes: Element[], stats: StatsMap): Element[] {
  const cls = attr(top, 'class');
  if (!cls) return nodes;
  let root: Element = top;
  for (let i = 0; i < 3 && root.parent && isElement(root.parent) && root.parent.name !== 'body'; i++)
    root = root.parent;
  if (root === top) return nodes;
  const extra: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    if (nodes.includes(e)) continue;
    if (e !== root && attr(e, 'class') === cls && e.name === top.name) {
      const st = stats.get(e);
      if (st && st.chars > 0 && linkDensity(st) < 0.3) extra.push(e);
      continue;
    }
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  if (!extra.length) return nodes;
  return documentOrder(root, [...nodes, ...extra]);
}

function documentOrder(root: Element, picked: Element[]): Element[] {
  const want = new Set(picked);
  const out: Element[] = [];
  const outside = picked.filter((p) => !contains(root, p));
  const stack: Element[] = [root];
  while (stack.length) {
    const e = stack.pop() as Element;
    step();
    if (want.has(e)) {
      out.push(e);
      continue;
    }
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i];
      if (c && isElement(c)) stack.push(c);
    }
  }
  return [...out, ...outside];
}
