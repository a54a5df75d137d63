import { attr, contains, type Element, elements, textOf } from './dom.js';
import { lowestCommon } from './product-block.js';
import type { Stats, StatsMap } from './score.js';

// A product page's own box holds the product's name (its <h1>) and its buy control ("Add to cart"), with
// the description, specifications and reviews tabs beside them. What a shop adds around that box (brand
// stories, "complete the look", reviews widgets, recently viewed) is the shop's, not the product's: when the
// scorer's choice holds the box and more, the box is the content. A later section the page heads with an
// <h1> of its own ("About this piece") is the product's too, and widens the box. The buy control is a
// <button> that the cleaning drops, so the box is found before cleaning and checked after it.

const BUY_ATTR = /add[-_ ]?to[-_ ]?(cart|bag|basket)|addtocart|addtobag|buy[-_ ]?now/i;
const BUY_TEXT =
  /^\s*(add to (cart|bag|basket)|buy now|in den warenkorb|ajouter au panier|añadir al carrito)\b/i;
const CONTROL = new Set(['button', 'input', 'a', 'form']);

/** A control that puts the product in the cart, by its class, id, name, form action or label. */
function isBuy(e: Element): boolean {
  if (!CONTROL.has(e.name)) return false;
  if (BUY_ATTR.test(attr(e, 'class')) || BUY_ATTR.test(attr(e, 'id')) || BUY_ATTR.test(attr(e, 'name')))
    return true;
  if (e.name === 'form') return /\/cart\/add|add[-_]?to[-_]?cart/i.test(attr(e, 'action'));
  if (e.name === 'input') return BUY_TEXT.test(attr(e, 'value'));
  return e.name === 'button' && BUY_TEXT.test(textOf(e));
}

/**
 * The lowest box holding the page's first <h1>, the first buy control after it and every later <h1>; null
 * without a buy control after the first <h1>. One walk of the page.
 */
export function buyBox(body: Element): Element | null {
  let h1: Element | null = null;
  let box: Element | null = null;
  for (const e of elements(body)) {
    if (!h1) {
      if (e.name === 'h1') h1 = e;
    } else if (!box) {
      if (isBuy(e)) box = lowestCommon(h1, e);
    } else if (e.name === 'h1' && !contains(box, e)) box = lowestCommon(box, e) ?? box;
  }
  return box;
}

const own = (s: Stats | undefined): number => (s ? s.chars - s.links : 0);
/** A box with less than this share of the chosen text is a name-and-price strip, not the product's box. */
const MIN_SHARE = 0.15;

/**
 * The buy box, when the cleaning left it on the page and it lies strictly inside one of the chosen boxes
 * with at least MIN_SHARE of their text; otherwise null (the choice stands).
 */
export function boundedByBuyBox(
  box: Element,
  body: Element,
  chosen: Element[],
  stats: StatsMap,
): Element[] | null {
  if (box === body || !contains(body, box)) return null;
  const holder = chosen.find((c) => c === box || contains(c, box));
  if (!holder || holder === box) return null;
  const chosenChars = chosen.reduce((n, c) => n + own(stats.get(c)), 0);
  if (own(stats.get(box)) < chosenChars * MIN_SHARE) return null;
  return [box];
}
