import { type AnyNode, attr, type Element, isElement } from './dom.js';
import { MAYBE_OK, SKIP_TAGS, UNLIKELY, UNLIKELY_ROLES } from './patterns.js';
import { step } from './work.js';

// The boxes of consent managers (OneTrust, Cookiebot, Usercentrics, Didomi, Quantcast): pages of short
// teasers carry more text in their privacy centre than in the page, so they go whatever their size (in the
// strict pass: the share of the page the size guard measures still counts them).
const CONSENT_ID =
  /^(onetrust-(consent-sdk|pc-sdk|banner-sdk)|CybotCookiebotDialog|usercentrics-root|didomi-host|qc-cmp2-container)$/;

const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

/**
 * A link hidden from screen readers and taken out of the tab order: on a page of cards a visible second copy
 * of a link (a card's summary linked again to its story, beside the linked title), which the caller may show
 * (`spare`); on a thread the board's avatar and permalink links are marked so too, and stay hidden.
 */
export const redundantLink = (e: Element): boolean =>
  e.name === 'a' && e.attribs.tabindex === '-1' && e.attribs['aria-hidden'] === 'true';

function isHidden(e: Element): boolean {
  const a = e.attribs;
  if ('hidden' in a) return true;
  if (a['aria-hidden'] === 'true' && e.name !== 'span' && e.name !== 'i') return true;
  const s = a.style;
  return s !== undefined && HIDDEN_STYLE.test(s);
}

function isUnlikely(e: Element, ancestorsKept: boolean, unlikely: RegExp): boolean {
  if (e.name === 'body' || e.name === 'html' || e.name === 'a' || e.name === 'article' || e.name === 'main')
    return false;
  if (UNLIKELY_ROLES.has(attr(e, 'role'))) return true;
  if (!ancestorsKept) return false;
  const key = `${withoutHas(attr(e, 'class'))} ${attr(e, 'id')}`;
  if (key.length < 2) return false;
  return unlikely.test(key) && !MAYBE_OK.test(key);
}

// "section-with-header", "has-sidebar": a class saying what a box has names what it holds, not what it is (a
// section with a header is no header). Bounded: a megabyte class attribute is read as it is.
const HAS = /(^|[\s_-])(has|with)-\S+/g;
function withoutHas(cls: string): string {
  return cls.length < 2000 ? cls.replace(HAS, ' ') : cls;
}

/**
 * Removes what is never main content: script-like tags, hidden nodes, comments and
 * boilerplate by class/id/role. In place, iterative. `strict` also removes by class/id.
 * `spare` names boxes kept even when hidden (a product page's details that a script reveals).
 * `hidden` names more boxes the strict pass removes as not shown (hidden by a class).
 * Returns whether anything was removed (when nothing was, statistics of the tree still hold); `touched`
 * collects the nodes that lost a child (only they and their ancestors have new statistics).
 */
export function cleanTree(
  root: AnyNode,
  keep?: (e: Element) => boolean,
  unlikely: RegExp = UNLIKELY,
  spare?: (e: Element) => boolean,
  hidden?: (e: Element) => boolean,
  touched?: AnyNode[],
): boolean {
  const strict = keep !== undefined;
  let removed = false;
  const stack: AnyNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as AnyNode;
    step();
    if (!('children' in n)) continue;
    // a new child list only for a node that loses a child: a 4 MiB table has 300k nodes that lose none
    let kept: AnyNode[] | null = null;
    const children = n.children;
    for (let i = 0; i < children.length; i++) {
      const c = children[i] as AnyNode;
      if (dropped(c, strict, unlikely, keep, spare, hidden)) {
        kept ??= children.slice(0, i);
        continue;
      }
      if (isElement(c)) stack.push(c);
      kept?.push(c);
    }
    if (kept) {
      n.children = kept as never;
      removed = true;
      touched?.push(n);
    }
  }
  return removed;
}

function dropped(
  c: AnyNode,
  strict: boolean,
  unlikely: RegExp,
  keep?: (e: Element) => boolean,
  spare?: (e: Element) => boolean,
  hidden?: (e: Element) => boolean,
): boolean {
  if (c.type === 'comment' || c.type === 'directive') return true;
  if (!isElement(c)) return false;
  if (SKIP_TAGS.has(c.name) || c.type !== 'tag') return true;
  if (strict && c.attribs.id && CONSENT_ID.test(c.attribs.id)) return true;
  if ((isHidden(c) || (strict && !!hidden?.(c))) && !spare?.(c)) return true;
  return strict && isUnlikely(c, !insideTableOrCode(c), unlikely) && !(keep as (e: Element) => boolean)(c);
}

function insideTableOrCode(e: Element): boolean {
  let p = e.parent;
  for (let i = 0; p && i < 6; i++, p = p.parent) {
    if (isElement(p) && (p.name === 'table' || p.name === 'code' || p.name === 'pre')) return true;
  }
  return false;
}
