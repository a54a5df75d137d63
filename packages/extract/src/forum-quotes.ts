import { type AnyNode, attr, type Element, isElement, remove } from './dom.js';
import { step } from './work.js';

// A reply on a forum quotes the post it answers (XenForo's "X said:" box, phpBB's "X wrote:", Discourse's
// <aside class="quote">, vBulletin's bbcode_quote): the quoted words are already on the page, in the post
// they came from, and a reader reads them once. WCXB's thread truths mostly keep them once, as the post. A
// quote box whose lines are mostly lines found elsewhere in the thread, outside every quote, is that copy
// and goes, its "X said:" header with it. A quote of words not on the page (a news story, the manual, a post
// on an earlier page of the thread) stays: nothing says the reader has them.

/** A line of text shorter than this ("Thanks", "+1") repeats by chance. */
const MIN_LINE = 20;
/** A quote with less text than this is a phrase, not a post quoted. */
const MIN_QUOTE = 40;
/** The share of a quote's text that must repeat lines found outside quotes. */
const REPEATED = 0.5;

const QUOTE_CLASS = /(^|[\s_-])(bb)?(code[\s_-]?)?quote([\s_-]|$)/i;

function isQuote(e: Element): boolean {
  if (e.name === 'blockquote') return true;
  return (e.name === 'aside' || e.name === 'div') && QUOTE_CLASS.test(attr(e, 'class'));
}

const line = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Removes, below `roots`, the quote boxes that repeat posts found outside quotes. In place. */
export function dropRepeatedQuotes(roots: Element[]): void {
  const quotes: Element[] = [];
  const outside = new Set<string>();
  // one walk: text outside quotes is read into `outside`, the outermost quote boxes are collected
  const stack: AnyNode[] = [...roots];
  while (stack.length) {
    const n = stack.pop() as AnyNode;
    step();
    if (n.type === 'text') {
      const t = line((n as { data: string }).data);
      if (t.length >= MIN_LINE) outside.add(t);
      continue;
    }
    if (!isElement(n)) continue;
    if (!roots.includes(n) && isQuote(n)) {
      quotes.push(n);
      continue;
    }
    for (const c of n.children) stack.push(c);
  }
  for (const q of quotes) {
    let total = 0;
    let seen = 0;
    const inner: AnyNode[] = [q];
    while (inner.length) {
      const n = inner.pop() as AnyNode;
      step();
      if (n.type === 'text') {
        const t = line((n as { data: string }).data);
        total += t.length;
        if (t.length >= MIN_LINE && outside.has(t)) seen += t.length;
      } else if (isElement(n)) for (const c of n.children) inner.push(c);
    }
    if (total >= MIN_QUOTE && seen >= total * REPEATED) remove(q);
  }
}
