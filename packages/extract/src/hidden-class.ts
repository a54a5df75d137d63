import type { Element } from './dom.js';

// CSS frameworks' classes that hide a box on every screen: Bootstrap 3's and Foundation's `hide`, Bootstrap
// 4-5's `d-none`, Bulma's `is-hidden`, `hidden`. Shops print template data in them (a BigCommerce theme's
// custom fields: image URLs and price tiers, keyed by field name) and unused variants. A responsive partner
// (`d-md-block`, `lg:flex`, `show-for-large`, `visible-lg`) shows the box on some screen, and it stays.

const HIDE = /^(hide|d-none|is-hidden|hidden)$/;
const SHOWN_SOMEWHERE = /^(d-\w+-(?!none$)\w+|\w+:(?!hidden$)[\w-]+|(show|visible)-[\w-]+)$/;

/** True when the element's classes hide it on every screen size. */
export function hiddenByClass(e: Element): boolean {
  const cls = e.attribs.class;
  // every class that hides holds "hid" or "d-none": most class lists hold neither and need no split
  if (!cls || (!cls.includes('hid') && !cls.includes('d-none'))) return false;
  let hide = false;
  for (const t of cls.split(/\s+/)) {
    if (SHOWN_SOMEWHERE.test(t)) return false;
    if (HIDE.test(t)) hide = true;
  }
  return hide;
}
