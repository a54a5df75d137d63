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

/** Whether `e` holds an <h1> (a page's footer never holds its heading: such a box wraps the page). */
function holdsH1(e: Element): boolean {
  for (const x of elements(e)) if (x.name === 'h1') return true;
  return false;
}

/**
 * The page's footer holding `e`, or null: the outermost <footer> or role=contentinfo box, or else the
 * outermost box named a footer by its class or id that holds no <h1>.
 */
export function footerOf(e: Element): Element | null {
  let tagged: Element | null = null;
  let named: Element | null = null;
  for (let p: Element | null = e; p && isElement(p) && p.name !== 'body'; p = p.parent as Element | null) {
    if (p.name === 'footer' || attr(p, 'role') === 'contentinfo') tagged = p;
    else if (namedFooter(p) && !holdsH1(p)) named = p;
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
