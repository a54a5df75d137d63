import {
  type AnyNode,
  attr,
  collapse,
  type Document,
  type Element,
  isElement,
  isText,
  textOf,
} from './dom.js';
import { step } from './work.js';

// An index page without headings or cards: its items are the rows of one table (Hacker News, a bug
// tracker's list) or the terms of one definition list (arXiv's listings), each a short line with a link to
// its own page. An article's tables hold data whose rows rarely each link elsewhere, and when they do
// (a table of contents, a list of references) the table is a part of the page, not most of it.

/** Rows of items an index page shows at least. */
export const ITEM_ROWS = 10;
/** An item row is a line, not a paragraph (an article's layout table holds its text in one cell). */
const ROW_CHARS = 300;
/** The rows' table holds most of the page's text. */
const PAGE_SHARE = 0.5;

/** A table's own rows (through thead/tbody/tfoot, not nested tables) or a list's terms (through div groups). */
function rowsOf(box: Element): Element[] {
  const want = box.name === 'table' ? 'tr' : 'dt';
  const through = box.name === 'table' ? /^(thead|tbody|tfoot)$/ : /^div$/;
  const out: Element[] = [];
  const walk = (e: Element) => {
    for (const c of e.children) {
      if (!isElement(c)) continue;
      if (c.name === want) out.push(c);
      else if (through.test(c.name)) walk(c);
    }
  };
  walk(box);
  return out;
}

/** An item line has few nodes; reading stops there, so nested tables are not read once per table above. */
const ROW_NODES = 100;

/**
 * The address a row's first followable link leads to, when the row is a line: its text at most ROW_CHARS
 * characters (each text node's collapsed length and a space) over at most ROW_NODES nodes. Otherwise null.
 */
function itemLink(row: Element): string | null {
  let link: string | null = null;
  let chars = 0;
  let nodes = 0;
  const stack: AnyNode[] = [...row.children].reverse();
  while (stack.length) {
    const c = stack.pop() as AnyNode;
    step();
    if (++nodes > ROW_NODES) return null;
    if (isText(c)) {
      const n = collapse(c.data).length;
      if (n) chars += n + 1;
      if (chars > ROW_CHARS + 1) return null;
    } else if (isElement(c)) {
      if (link === null && c.name === 'a') {
        const href = attr(c, 'href').trim();
        if (href && !href.startsWith('#') && !/^javascript:/i.test(href)) link = href;
      }
      for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i] as AnyNode);
    }
  }
  return link;
}

/**
 * The number of item rows of the page's index: of its tables and definition lists, the one with the most
 * rows that are lines each leading (by its first link) somewhere no other row does, when it has ITEM_ROWS of
 * them and holds PAGE_SHARE of the page's text. 0 otherwise.
 */
export function itemRows(doc: Document, boxes: Element[]): number {
  let best = 0;
  let bestBox: Element | null = null;
  for (const box of boxes) {
    const rows = rowsOf(box);
    if (rows.length < ITEM_ROWS || rows.length <= best) continue;
    const links = new Set<string>();
    for (const row of rows) {
      const href = itemLink(row);
      if (href) links.add(href);
    }
    if (links.size > best) {
      best = links.size;
      bestBox = box;
    }
  }
  if (best < ITEM_ROWS || !bestBox) return 0;
  return collapse(textOf(bestBox)).length >= collapse(textOf(doc)).length * PAGE_SHARE ? best : 0;
}
