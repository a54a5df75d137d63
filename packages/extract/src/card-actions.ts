import type { Element } from './dom.js';
import type { Block } from './render.js';

// A card's struck-out and current prices are on screen but marked for screen readers to skip
// (WooCommerce's <del aria-hidden="true"> and <ins aria-hidden="true">, read aloud from a screen-reader copy
// instead, which pruning drops): on a listing or collection they are the card's text, so they stay.
export const shownPrice = (e: Element): boolean =>
  (e.name === 'del' || e.name === 'ins') && e.attribs['aria-hidden'] === 'true';

// The cards of a shop's collection or a listing end in the same button-like link ("View Details", "Add to
// cart", "Choose Options", "Compare"): controls, not text, and WCXB's truths of such pages leave them out. A
// block that is only such a call to action, met MIN_CARDS times or more, is dropped; said once or twice (a
// banner's "Shop now") it stays, and so does any longer line holding it. "Read more" and "Learn more" are
// not among them: service pages typed as listings keep theirs in WCXB's truths.

const CARD_ACTION =
  /^(view (details|product)|see details|more (info|details)|add to (cart|bag|basket)|(choose|select) options|quick ?(view|shop|add)|shop now|buy now|compare)$/i;
const MIN_CARDS = 3;

/** `blocks` without the calls to action that repeat card after card. */
export function withoutCardActions(blocks: Block[]): Block[] {
  const seen = new Map<string, number>();
  for (const b of blocks) {
    const t = b.text.trim();
    if (t.length <= 20 && CARD_ACTION.test(t)) seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  if (seen.size === 0) return blocks;
  return blocks.filter((b) => (seen.get(b.text.trim()) ?? 0) < MIN_CARDS);
}
