import { attr, collapse, type Element, elements, isElement, isText } from './dom.js';

/** A class or id word that names a footer: "footer", "site-footer", "us-fotter-left" (sic), "footer2". */
const FOOTER_WORD = /(?:^|[-_\s])fo{1,2}t{1,2}er(?:$|[-_\s\d])/i;
/** The same in a component library's camel case: "PageFooter__Logo", "FooterWrapper_x". */
const FOOTER_CAMEL = /(?:^|[a-z_-])Footer(?![a-z])/;

/** Whether `e` says by its class or id that it is a footer. */
function namedFooter(e: Element): boolean {
  const names = `${attr(e, 'class')} ${attr(e, 'id')}`;
  return FOOTER_WORD.test(names) || FOOTER_CAMEL.test(names);
}

/** What a page's footer never holds: the page's heading, its header, its main box, an article. */
const PAGE_PART = new Set(['h1', 'header', 'main', 'article']);
const PAGE_ROLE = new Set(['main', 'banner', 'article']);

/**
 * Whether `e` holds a part of the page a footer never holds: a box named for its footer that does wraps the
 * page ("page-with-footer", "has-footer" around a forum thread with no <h1>), it is not the footer.
 */
function holdsPagePart(e: Element): boolean {
  for (const x of elements(e)) if (PAGE_PART.has(x.name) || PAGE_ROLE.has(attr(x, 'role'))) return true;
  return false;
}

/**
 * The page's footer holding `e`, or null: the outermost <footer> or role=contentinfo box, or else the
 * outermost box named a footer by its class or id that holds no part of the page a footer never holds.
 */
export function footerOf(e: Element): Element | null {
  let tagged: Element | null = null;
  let named: Element | null = null;
  for (let p: Element | null = e; p && isElement(p) && p.name !== 'body'; p = p.parent as Element | null) {
    if (p.name === 'footer' || attr(p, 'role') === 'contentinfo') tagged = p;
    else if (namedFooter(p) && !holdsPagePart(p)) named = p;
  }
  return tagged ?? named;
}

/**
 * The footer's words, one text node from the next kept apart: a footer of <div>s ("About us" then
 * "Contact") has no spaces between its labels in the markup.
 */
export function footerText(footer: Element): string {
  const out: string[] = [];
  for (const e of [footer, ...elements(footer)]) {
    if (e.name === 'script' || e.name === 'style') continue;
    for (const c of e.children) if (isText(c)) out.push(c.data);
  }
  return collapse(out.join(' '));
}
