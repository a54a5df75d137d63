import { type Element, elements } from './dom.js';

// Accordions and tabs (a service page's FAQ, a product's specification tab) ship their closed panels hidden
// (aria-hidden, hidden, display:none) for a script to open: what a reader can reveal with one click is the
// page's content, unlike a hidden tracking box or a template. A panel says so by being the target of a
// control: the id named by a control's aria-controls, or by a Bootstrap-style data-target / data-bs-target.

const TARGET_ATTRS = ['aria-controls', 'data-target', 'data-bs-target'] as const;

/**
 * What a control on the page opens: the ids its controls name (each id once; "#x" and "x" alike), and whether
 * the page has tabs (role="tab" controls; their role="tabpanel" boxes, hidden but one, are revealable too,
 * though many tab scripts name no panel). One walk over the page for both.
 */
export function revealable(body: Element): { ids: Set<string>; tabs: boolean } {
  const ids = new Set<string>();
  let tabs = false;
  for (const e of elements(body)) {
    if (e.attribs.role === 'tab') tabs = true;
    for (const a of TARGET_ATTRS) {
      const v = e.attribs[a];
      // aria-controls may name several ids; a data-target is one selector, of which only "#id" is read
      if (v) for (const id of v.split(/\s+/)) if (id) ids.add(id.startsWith('#') ? id.slice(1) : id);
    }
  }
  return { ids, tabs };
}
