import { type AnyNode, type Element, isElement } from './dom.js';
import { BLOCK_TAGS } from './patterns.js';
import { collapseSpaces } from './whitespace.js';
import { step } from './work.js';

/** One paragraph of output text, with how much of it was link text. */
export interface Block {
  text: string;
  links: number;
  tag: string;
  el: Element;
}

/**
 * True when `s` holds no tab, CR, form feed, no-break space or newline and no two spaces in a row: the
 * replacements of a block's text then change nothing, and trimming is all that is left (text nodes reach the
 * buffer with their whitespace already collapsed, so most blocks are so).
 */
function plainSpaced(s: string): boolean {
  let space = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (space) return false;
      space = true;
    } else if (c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c || c === 0xa0) return false;
    else space = false;
  }
  return true;
}

/**
 * Flattens a subtree into paragraphs: block tags start a new one, <br> breaks a line,
 * table cells are joined by spaces, <pre> keeps its whitespace.
 */
export function renderBlocks(roots: Element[]): Block[] {
  const blocks: Block[] = [];
  let buf = '';
  let links = 0;
  let cur: Element | null = null;
  let pre = 0;
  const flush = () => {
    const text = pre
      ? buf.replace(/^\n+|\s+$/g, '')
      : plainSpaced(buf)
        ? buf.trim()
        : buf
            .replace(/[ \t\r\f\u00a0]+/g, ' ')
            .replace(/ ?\n ?/g, '\n')
            .trim();
    if (text && cur) blocks.push({ text, links, tag: cur.name, el: cur });
    buf = '';
    links = 0;
  };
  const walk = (n: AnyNode, inLink: boolean): void => {
    step();
    if (n.type === 'text') {
      const d = (n as { data: string }).data;
      const t = pre ? d : collapseSpaces(d);
      buf += t;
      if (inLink) links += t.trim().length;
      return;
    }
    if (!isElement(n)) return;
    const name = n.name;
    if (name === 'br') {
      buf += '\n';
      return;
    }
    if (name === 'td' || name === 'th') buf += ' ';
    const block = BLOCK_TAGS.has(name) && name !== 'td' && name !== 'th';
    const saved = cur;
    if (block) {
      flush();
      cur = n;
    }
    if (name === 'pre') pre++;
    const link = inLink || name === 'a';
    for (const c of n.children) walk(c, link);
    if (name === 'pre') pre--;
    if (block) {
      flush();
      cur = saved;
    }
  };
  for (const r of roots) {
    cur = r;
    walk(r, false);
    flush();
  }
  return blocks;
}
