import { type AnyNode, type Element, isElement } from './dom.js';
import { step } from './work.js';

// The part of the DOM that turndown (and our rules in markdown.ts) read, built straight from our own tree:
// turndown given HTML parses it again with domino, which with the serialising was a tenth of extract()'s
// time. The copy is what domino would build from our serialised subtree: tag names upper-cased, text nodes
// next to each other joined, empty ones dropped, CR LF and CR read as LF, NUL dropped from text, and the
// newline right after <pre>, <listing> or <textarea> dropped. A subtree the HTML parser would rebuild
// otherwise (foreign content, raw-text elements, templates; see `needsParser`) is not copied: the caller
// hands turndown HTML as before.

/** Elements whose content an HTML parser reads in its own way (raw text, foreign content, a template). */
const PARSER_ONLY = new Set([
  'svg',
  'math',
  'template',
  'noscript',
  'iframe',
  'noembed',
  'noframes',
  'xmp',
  'plaintext',
  'image',
  'frameset',
  'frame',
  'select',
  'option',
  'optgroup',
]);
/** Start tags an HTML parser ignores inside a body: their children are the parent's. */
const UNWRAPPED = new Set(['html', 'head', 'body']);
/** What a table's parts may hold without an HTML parser moving or wrapping it (foster parenting, implied rows). */
const TABLE_CHILDREN: Record<string, Set<string>> = {
  table: new Set(['caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'tr', 'script', 'style']),
  thead: new Set(['tr', 'script', 'style']),
  tbody: new Set(['tr', 'script', 'style']),
  tfoot: new Set(['tr', 'script', 'style']),
  tr: new Set(['td', 'th', 'script', 'style']),
  colgroup: new Set(['col']),
};
/** Where each table part may stand (elsewhere an HTML parser ignores its tag). */
const TABLE_PARENTS: Record<string, Set<string>> = {
  caption: new Set(['table']),
  colgroup: new Set(['table']),
  col: new Set(['colgroup']),
  thead: new Set(['table']),
  tbody: new Set(['table']),
  tfoot: new Set(['table']),
  tr: new Set(['table', 'thead', 'tbody', 'tfoot']),
  td: new Set(['tr']),
  th: new Set(['tr']),
};
const DROPS_FIRST_NEWLINE = new Set(['pre', 'listing', 'textarea']);

/** One node of the copy: an element (1), text (3) or a comment-like node turndown drops (8). */
export class MdNode {
  nodeType: number;
  nodeName: string;
  data: string;
  parentNode: MdNode | null = null;
  firstChild: MdNode | null = null;
  lastChild: MdNode | null = null;
  previousSibling: MdNode | null = null;
  nextSibling: MdNode | null = null;
  private attribs: Record<string, string> | null;
  private kids: MdNode[] | null = null;

  constructor(nodeType: number, nodeName: string, data: string, attribs: Record<string, string> | null) {
    this.nodeType = nodeType;
    this.nodeName = nodeName;
    this.data = data;
    this.attribs = attribs;
  }

  get nodeValue(): string | null {
    return this.nodeType === 1 ? null : this.data;
  }

  get childNodes(): MdNode[] {
    if (this.kids) return this.kids;
    const out: MdNode[] = [];
    for (let c = this.firstChild; c; c = c.nextSibling) out.push(c);
    this.kids = out;
    return out;
  }

  get children(): MdNode[] {
    return this.childNodes.filter((c) => c.nodeType === 1);
  }

  get lastElementChild(): MdNode | null {
    let c = this.lastChild;
    while (c && c.nodeType !== 1) c = c.previousSibling;
    return c;
  }

  /** The text of every text node below, as a DOM's textContent. */
  get textContent(): string {
    if (this.nodeType !== 1) return this.data;
    let out = '';
    for (let n = this.firstChild; n; n = following(n, this)) if (n.nodeType === 3) out += n.data;
    return out;
  }

  /** An <input>'s type as a DOM reports it (the GFM task-list rule asks for 'checkbox'). */
  get type(): string | undefined {
    if (this.nodeName !== 'INPUT') return undefined;
    return (this.getAttribute('type') ?? 'text').toLowerCase();
  }

  get checked(): boolean {
    return this.getAttribute('checked') !== null;
  }

  get className(): string {
    return this.getAttribute('class') ?? '';
  }

  getAttribute(name: string): string | null {
    return this.attribs?.[name] ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== null;
  }

  getElementsByTagName(name: string): MdNode[] {
    const want = name.toUpperCase();
    const out: MdNode[] = [];
    for (let n = this.firstChild; n; n = following(n, this)) if (n.nodeName === want) out.push(n);
    return out;
  }

  /** Only a bare tag name, which is all the rules ask for. */
  querySelector(selector: string): MdNode | null {
    if (!/^[a-z][a-z0-9-]*$/i.test(selector))
      throw new Error(`querySelector: unsupported selector ${selector}`);
    const want = selector.toUpperCase();
    for (let n = this.firstChild; n; n = following(n, this)) if (n.nodeName === want) return n;
    return null;
  }

  /** The copy is made for one conversion, so turndown's defensive copy of its input is this node itself. */
  cloneNode(): MdNode {
    return this;
  }

  removeChild(c: MdNode): MdNode {
    if (c.previousSibling) c.previousSibling.nextSibling = c.nextSibling;
    else this.firstChild = c.nextSibling;
    if (c.nextSibling) c.nextSibling.previousSibling = c.previousSibling;
    else this.lastChild = c.previousSibling;
    c.parentNode = c.previousSibling = c.nextSibling = null;
    this.kids = null;
    return c;
  }

  appendChild(c: MdNode): void {
    c.parentNode = this;
    c.previousSibling = this.lastChild;
    if (this.lastChild) this.lastChild.nextSibling = c;
    else this.firstChild = c;
    this.lastChild = c;
    this.kids = null;
  }
}

/**
 * The node after `n` in document order below `root` (null past its last): the walks over a subtree step with
 * it from `root.firstChild`, with no generator (turndown asks a node's text and tags once or more per node).
 */
function following(n: MdNode, root: MdNode): MdNode | null {
  if (n.firstChild) return n.firstChild;
  let m: MdNode | null = n;
  while (m && !m.nextSibling && m !== root) m = m.parentNode;
  return m && m !== root ? m.nextSibling : null;
}

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Start tags that close an open <p> (HTML's "close a p element"), and what hides that <p> (its scope). */
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'header',
  'hgroup',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'section',
  'summary',
  'ul',
  ...HEADINGS,
  'pre',
  'listing',
  'form',
  'hr',
  'li',
  'dd',
  'dt',
]);
const P_SCOPE = new Set(['button', 'table', 'td', 'th', 'caption', 'object', 'marquee', 'applet']);
const LISTS = new Set(['ul', 'ol', 'menu']);
// what is open above a node, as bits
const IN_A = 1;
const IN_P = 2;
const IN_LI = 4;
const IN_DD = 8;
const TERMS = new Set(['dd', 'dt']);

/**
 * Whether an HTML parser would build these subtrees differently from our tree (then they go as HTML): the
 * elements it reads in its own way, table parts where a table's content model does not have them, and the
 * nestings its tree construction undoes (a link in a link, a block in a paragraph, a heading right in a
 * heading, a list item in a list item, a term in a term).
 */
export function needsParser(nodes: Element[]): boolean {
  const stack: [AnyNode, string, number][] = nodes.map((n) => [n, '', 0]);
  while (stack.length) {
    const [n, parent, open] = stack.pop() as [AnyNode, string, number];
    step();
    if (!isElement(n)) continue;
    const name = n.name;
    if (PARSER_ONLY.has(name)) return true;
    const where = TABLE_PARENTS[name];
    if (where && !where.has(parent)) return true;
    if ((name === 'a' && open & IN_A) || (open & IN_P && CLOSES_P.has(name))) return true;
    if ((name === 'li' && open & IN_LI) || (TERMS.has(name) && open & IN_DD)) return true;
    if (HEADINGS.has(name) && HEADINGS.has(parent)) return true;
    let below = open;
    if (name === 'a') below |= IN_A;
    if (name === 'p') below |= IN_P;
    else if (P_SCOPE.has(name)) below &= ~IN_P;
    if (name === 'li') below |= IN_LI;
    else if (LISTS.has(name)) below &= ~IN_LI;
    if (TERMS.has(name)) below |= IN_DD;
    else if (name === 'dl') below &= ~IN_DD;
    const holds = TABLE_CHILDREN[name];
    for (const c of n.children) {
      if (holds && !(isElement(c) ? holds.has(c.name) : c.type !== 'text' || !/\S/.test(c.data))) return true;
      stack.push([c, name, below]);
    }
  }
  return false;
}

const cleanText = (s: string): string =>
  s.includes('\r') || s.includes('\0') ? s.replace(/\r\n?/g, '\n').replace(/\0/g, '') : s;

/** The copy of `nodes` under one root element, as turndown's own parse wraps its input. */
export function mdTree(nodes: Element[]): MdNode {
  const root = new MdNode(1, 'X-TURNDOWN', '', null);
  const stack: [AnyNode, MdNode][] = [];
  for (let i = nodes.length - 1; i >= 0; i--) stack.push([nodes[i] as AnyNode, root]);
  while (stack.length) {
    const [n, parent] = stack.pop() as [AnyNode, MdNode];
    step();
    if (n.type === 'text') {
      let data = cleanText(n.data);
      const last = parent.lastChild;
      if (!last && DROPS_FIRST_NEWLINE.has(parent.nodeName.toLowerCase()) && data.startsWith('\n'))
        data = data.slice(1);
      if (!data) continue;
      if (last?.nodeType === 3) last.data += data;
      else parent.appendChild(new MdNode(3, '#text', data, null));
    } else if (isElement(n) && UNWRAPPED.has(n.name)) {
      for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i] as AnyNode, parent]);
    } else if (isElement(n)) {
      const el = new MdNode(1, n.name.toUpperCase(), '', attribsOf(n));
      parent.appendChild(el);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i] as AnyNode, el]);
    } else if (
      n.type === 'comment' ||
      n.type === 'cdata' ||
      (n.type === 'directive' && !/^!doctype/i.test(n.data))
    ) {
      parent.appendChild(new MdNode(8, '#comment', '', null));
    }
  }
  return root;
}

function attribsOf(e: Element): Record<string, string> {
  let out: Record<string, string> | null = null;
  for (const k in e.attribs) {
    const v = e.attribs[k] as string;
    if (v.includes('\r') || v.includes('\0')) {
      out ??= { ...e.attribs };
      out[k] = v.replace(/\r\n?/g, '\n').replace(/\0/g, '\ufffd');
    }
  }
  return out ?? e.attribs;
}
