import { type AnyNode, type Document, type Element, type ParentNode, Text } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { collapseSpaces } from './whitespace.js';
import { step } from './work.js';

// We parse with htmlparser2 + domhandler rather than a full DOM (linkedom): the
// extractor only reads the tree, and building linkedom's DOM costs ~5x the parse
// itself (measured on the dev set), which would eat the whole speed budget.

/** Deeper subtrees are flattened to their text so no walk can blow the stack. */
export const MAX_DEPTH = 200;

export type { AnyNode, Document, Element, Text };

export const isElement = (n: AnyNode): n is Element =>
  n.type === 'tag' || n.type === 'script' || n.type === 'style';
export const isText = (n: AnyNode): n is Text => n.type === 'text';

export interface Parsed {
  doc: Document;
  flattened: boolean;
}

export function parseHtml(html: string): Parsed {
  const doc = parseDocument(cutOpenCdata(html), { decodeEntities: true });
  return { doc, flattened: flattenDeep(doc) };
}

/**
 * `<![CDATA[` in HTML markup is a bogus comment that a browser ends at the next `>`; htmlparser2 reads a
 * CDATA section up to `]]>`, so one never closed swallows the rest of the page (a forum template opening one
 * at the top of <body> lost its whole thread). Each one after the last `]]>` that is not inside a <script>
 * or <style> (raw text, where htmlparser2 never sees it) is cut up to its `>`, as a browser would drop it
 * (the first 16: no real page has more).
 */
export function cutOpenCdata(html: string): string {
  const OPEN = '<![CDATA[';
  // most pages hold none: one forward search, before the backward one for the last ']]>'
  if (!html.includes(OPEN)) return html;
  let i = html.indexOf(OPEN, html.lastIndexOf(']]>') + 1);
  if (i < 0) return html;
  let out = '';
  let from = 0;
  // each one looks back for a <script>: a bounded number keeps a page of thousands linear
  for (let n = 0; i >= 0 && n < 16; n++) {
    const end = html.indexOf('>', i + OPEN.length);
    const raw =
      html.lastIndexOf('<script', i) > html.lastIndexOf('</script', i) ||
      html.lastIndexOf('<style', i) > html.lastIndexOf('</style', i);
    if (!raw) {
      out += html.slice(from, i);
      from = end < 0 ? html.length : end + 1;
    }
    i = end < 0 ? -1 : html.indexOf(OPEN, end + 1);
  }
  return out + html.slice(from);
}

/** Replaces every element deeper than MAX_DEPTH by a text node of its text (iteratively). */
function flattenDeep(doc: Document): boolean {
  let flattened = false;
  // only nodes with children go on the stack (half a page's nodes are text), their depths on a stack beside it
  const nodes: ParentNode[] = [doc];
  const depths: number[] = [0];
  step();
  while (nodes.length) {
    const n = nodes.pop() as ParentNode;
    const d = depths.pop() as number;
    if (d >= MAX_DEPTH && isElement(n)) {
      const t = new Text(textOf(n));
      t.parent = n;
      n.children = [t];
      flattened = true;
      continue;
    }
    for (const c of n.children) {
      step();
      if ('children' in c) {
        nodes.push(c);
        depths.push(d + 1);
      }
    }
  }
  return flattened;
}

/** All text below a node (nested scripts and styles skipped), iteratively. */
export function textOf(n: AnyNode): string {
  const out: string[] = [];
  const stack: AnyNode[] = [n];
  while (stack.length) {
    const c = stack.pop() as AnyNode;
    step();
    if (c.type === 'text') out.push((c as Text).data);
    else if (c.type === 'tag' || c.type === 'root' || c === n) {
      const ch = (c as Element).children;
      for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i] as AnyNode);
    }
  }
  return out.join('');
}

export const attr = (e: Element, name: string): string => e.attribs[name] ?? '';

/** Elements below `root` in document order (root excluded). */
export function* elements(root: AnyNode): Generator<Element> {
  if (!('children' in root)) return;
  // only elements go on the stack: the text between them is half a page's nodes, and no walk wants it
  const stack: Element[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) {
    const c = root.children[i] as AnyNode;
    if (isElement(c)) stack.push(c);
  }
  while (stack.length) {
    const c = stack.pop() as Element;
    step();
    yield c;
    for (let i = c.children.length - 1; i >= 0; i--) {
      const k = c.children[i] as AnyNode;
      if (isElement(k)) stack.push(k);
    }
  }
}

export function firstByName(root: AnyNode, name: string): Element | undefined {
  for (const e of elements(root)) if (e.name === name) return e;
  return undefined;
}

export function remove(n: AnyNode): void {
  const p = n.parent;
  if (!p) return;
  const i = p.children.indexOf(n as never);
  if (i >= 0) p.children.splice(i, 1);
  n.parent = null;
}

export const collapse = (s: string): string => collapseSpaces(s).trim();

/** Whether `e` lies inside an element called `name` (`within(e, 'a')`: inside a link). */
export function within(e: Element, name: string): boolean {
  for (let p = e.parent; p && isElement(p); p = p.parent) {
    step();
    if (p.name === name) return true;
  }
  return false;
}

/** Whether `b` lies below `a`. */
export function contains(a: Element, b: Element): boolean {
  for (let p = b.parent; p; p = p.parent) {
    step();
    if (p === a) return true;
  }
  return false;
}
