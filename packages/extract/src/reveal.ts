import { type Element, elements } from './dom.js';

// Accordions and tabs (a service page's FAQ, a product's specification tab) ship their closed panels hidden
// (aria-hidden, hidden, display:none) for a script to open: what a reader can reveal with one click is the
// page's content, unlike a hidden tracking box or a template. A panel says so by being the target of a
// control: the id named by a control's aria-controls, or by a Bootstrap-style data-target / data-bs-target.

const TARGET_ATTRS = ['aria-controls', 'data-target', 'data-bs-target'] as const;

/** The ids of the boxes that a control on the page opens (each id once; "#x" and "x" alike). */
export function revealableIds(body: Element): Set<string> {
  const ids = new Set<string>();
  for (const e of elements(body)) {
    for (const a of TARGET_ATTRS) {
      const v = e.attribs[a];
      // aria-controls may name several ids; a data-target is one selector, of which only "#id" is read
      if (v) for (const id of v.split(/\s+/)) if (id) ids.add(id.startsWith('#') ? id.slice(1) : id);
    }
  }
  return ids;
}

/** Whether the page has tabs (role="tab" controls): their panels, hidden but one, are revealable too. */
export function hasTabs(body: Element): boolean {
  for (const e of elements(body)) if (e.attribs.role === 'tab') return true;
  return false;
}
