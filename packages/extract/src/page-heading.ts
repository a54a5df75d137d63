import { type Element, firstByName } from './dom.js';
import type { PageTypeName } from './page-type.js';

// Pruning drops an article's <h1>: it repeats the page's title, which the document carries apart. A product
// or service page is headed by what it sells ("Harbour Jacket", "Garden rooms built in a week"), and that
// name is part of its content (WCXB's truths of both kinds start with it).

/** The <h1> pruning keeps: the first one inside the chosen boxes of a product or service page. */
export function sellingHeading(nodes: Element[], pageType: PageTypeName | undefined): Element | undefined {
  if (pageType !== 'product' && pageType !== 'service') return undefined;
  for (const n of nodes) {
    const h = firstByName(n, 'h1');
    if (h) return h;
  }
  return undefined;
}
