import {
  type AnyNode,
  collapse,
  type Element,
  elements,
  firstByName,
  isElement,
  textOf,
  within,
} from './dom.js';
import { hiddenByClass } from './hidden-class.js';
import { discardKind } from './prune.js';
import { WORD } from './word-stats.js';
import { step } from './work.js';

// A service page is its run of sections (hero, features, testimonials, calls to action), and WCXB's truth keeps
// their copy. Site builders name those sections' boxes after their layout ("PageSection_header",
// "pagination-wrapper", "feature-sidebar"), and the class-based cleaning and pruning take those names for
// boilerplate, dropping full sentences of copy from inside the chosen run. After rs-trafilatura's recall
// union (a paragraph of prose its single subtree missed comes back when its words are not in the output yet),
// narrowed to paragraphs that sat inside the chosen boxes before the cleaning: a page's consent dialog,
// modal messages and footer address lie outside them (wcxb-dev tune pages showed those when the union took
// the whole page).

/** A paragraph shorter than this (characters) is a label, a caption or a button's text, not copy. */
const MIN_CHARS = 100;
/** Copy is sentences: it ends in one. */
const SENTENCE_END = /[.!?。！？]["'”’»)]?$/;
/** Boxes whose paragraphs are the page's furniture whatever their text (trafilatura's baseline skips them too). */
const FURNITURE = new Set(['footer', 'aside', 'form']);
/** A restored paragraph whose words are mostly in the output already adds nothing (a card's copy twice). */
const KNOWN_SHARE = 0.6;
/** Kinds of pruned box that say the box is not on screen at all: its copy stays out. */
const UNSHOWN = /\.(hidden|visually-?hidden|sr-only|screen-?reader\w*)$/;

/** The page's paragraphs of prose, in document order, read before the class-based cleaning (they are only kept references). */
export function copyParagraphs(body: Element): Element[] {
  const out: Element[] = [];
  const skip = new Set<Element>();
  for (const e of elements(body)) {
    // a furniture box's descendants: elements() walks parents before children, so marking as we go reaches them all
    if (FURNITURE.has(e.name) || (e.parent && isElement(e.parent) && skip.has(e.parent))) {
      skip.add(e);
      continue;
    }
    if (e.name !== 'p') continue;
    const text = collapse(textOf(e));
    if (text.length >= MIN_CHARS && SENTENCE_END.test(text)) out.push(e);
  }
  return out;
}

/**
 * Puts back, where they stood, the paragraphs of `copy` that the cleaning or pruning removed from inside
 * `roots` (the chosen content), unless the removed box is hidden by its class or their words are mostly in
 * the content already. In place. Returns how many came back.
 */
export function restoreCopy(roots: Element[], copy: Element[]): number {
  if (!copy.length) return 0;
  const live = new Set<Element>(roots);
  for (const r of roots) for (const e of elements(r)) live.add(e);
  const known = new Set<string>();
  for (const r of roots) for (const w of collapse(textOf(r)).toLowerCase().match(WORD) ?? []) known.add(w);
  const place = new Places();
  let restored = 0;
  for (const p of copy) {
    if (live.has(p)) continue;
    // climb the paragraph's own (pre-cleaning) ancestors to the first one still in the content; a removed
    // box keeps its parent pointer, a box removed by `remove()` (placeholders) does not and ends the climb
    let child: Element = p;
    let at: Element | null = null;
    let unshown = false;
    for (let e = p.parent; e && isElement(e); e = e.parent) {
      step();
      if (hiddenByClass(child) || UNSHOWN.test(discardKind(child, 'article') ?? '')) unshown = true;
      if (live.has(e)) {
        at = e;
        break;
      }
      child = e;
    }
    if (!at || unshown) continue;
    const words = collapse(textOf(p)).toLowerCase().match(WORD) ?? [];
    let inside = 0;
    for (const w of words) if (known.has(w)) inside++;
    if (!words.length || inside / words.length > KNOWN_SHARE) continue;
    for (const w of words) known.add(w);
    place.before(at, child, p);
    restored++;
  }
  place.apply();
  return restored;
}

/**
 * Where restored paragraphs go: before the removed box's first following sibling still in the parent (the
 * parser's sibling pointers outlive the cleaning's new child lists), so the copy keeps its place. Each parent's
 * list is rebuilt once, and the search for that sibling is remembered along the way: a page of thousands of
 * removed boxes in one parent costs linear work, not a scan of the list per paragraph.
 */
class Places {
  private readonly kids = new Map<Element, Set<AnyNode>>();
  private readonly firstKept = new Map<AnyNode, AnyNode | null>();
  private readonly pending = new Map<Element, Map<AnyNode | null, Element[]>>();

  before(at: Element, removed: Element, p: Element): void {
    let kids = this.kids.get(at);
    if (!kids) {
      kids = new Set(at.children);
      this.kids.set(at, kids);
    }
    // the first sibling after `removed` that `at` still holds, remembered for every sibling passed on the way
    const passed: AnyNode[] = [];
    let n: AnyNode | null = removed.next;
    let found: AnyNode | null = null;
    while (n) {
      step();
      const known = this.firstKept.get(n);
      if (known !== undefined) {
        found = known;
        break;
      }
      if (kids.has(n)) {
        found = n;
        break;
      }
      passed.push(n);
      n = n.next;
    }
    for (const x of passed) this.firstKept.set(x, found);
    let waiting = this.pending.get(at);
    if (!waiting) {
      waiting = new Map();
      this.pending.set(at, waiting);
    }
    const list = waiting.get(found);
    if (list) list.push(p);
    else waiting.set(found, [p]);
  }

  apply(): void {
    for (const [at, byNext] of this.pending) {
      const out: AnyNode[] = [];
      for (const c of at.children) {
        step();
        const ps = byNext.get(c);
        if (ps) out.push(...ps);
        out.push(c);
      }
      out.push(...(byNext.get(null) ?? []));
      at.children = out as never;
    }
  }
}

/**
 * Of `copy`, the paragraphs a link wraps whole: a card's summary when the whole card is one link. The
 * link-density filter reads them as menu entries; a paragraph that holds a long link of its own ("Visit the
 * <Electric Power Generation Standard Page> for information") is a pointer, and stays subject to it.
 */
export function linkedCopy(copy: Element[]): Set<Element> {
  const out = new Set<Element>();
  for (const p of copy) if (within(p, 'a') && !firstByName(p, 'a')) out.add(p);
  return out;
}
