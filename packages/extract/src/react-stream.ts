import { type AnyNode, type Element, elements, isElement, remove, textOf } from './dom.js';
import { step } from './work.js';

// React's streaming server rendering (Next.js's app router, Remix) sends a page's slow parts after its
// shell: each waits in a <div hidden id="S:n"> at the end of the body (a child of <body>), and an inline script call moves it
// into its place, `$RC("B:n","S:n")` to a Suspense boundary's <template id="B:n"> (replacing the fallback
// up to the boundary's closing <!--/$--> comment) or `$RS("S:n","P:n")` to a placeholder's
// <template id="P:n">. A reader sees those parts, in those places; a page read without its scripts had them
// hidden (a hosting company's home page whose every section is streamed kept only its top banner). The
// calls the page itself makes are replayed here, on the tree.

// a page streams tens of segments; a bound keeps a pathological page's work linear
const MAX_MOVES = 1000;
const CALL = /\$R([CS])\("([BPS]:[0-9a-z]+)","([BPS]:[0-9a-z]+)"\)/g;

/** Moves each streamed segment to the place the page's own `$RC`/`$RS` calls put it. In place. */
export function placeStreamedSegments(body: Element): void {
  // React appends the segments to the body, after the shell: a page with none there is not walked
  if (!body.children.some((c) => isElement(c) && 'hidden' in c.attribs && /^S:/.test(c.attribs.id ?? '')))
    return;
  const moves: [target: string, segment: string][] = [];
  const byId = new Map<string, Element>();
  for (const e of elements(body)) {
    const id = e.attribs.id;
    if (id && id.length < 16 && /^[BPS]:/.test(id)) byId.set(id, e);
    else if (e.name === 'script' && moves.length < MAX_MOVES) {
      const code = textOf(e);
      if (!code.includes('$R')) continue;
      for (const m of code.matchAll(CALL)) {
        // $RC(boundary, segment); $RS(segment, placeholder)
        if (m[1] === 'C') moves.push([m[2] as string, m[3] as string]);
        else moves.push([m[3] as string, m[2] as string]);
      }
    }
  }
  for (const [targetId, segmentId] of moves) {
    const target = byId.get(targetId);
    const segment = byId.get(segmentId);
    if (!target || !segment || !('hidden' in segment.attribs) || !target.parent) continue;
    const parent = target.parent as Element;
    const at = parent.children.indexOf(target as never);
    step(parent.children.length);
    if (at < 0) continue;
    // a boundary's fallback (a skeleton, "Loading…") runs from its template to the <!--/$--> comment
    let end = at + 1;
    if (targetId.startsWith('B:')) {
      for (let i = at + 1; i < parent.children.length; i++) {
        step();
        const c = parent.children[i] as AnyNode;
        if (c.type === 'comment' && (c as { data: string }).data === '/$') {
          end = i;
          break;
        }
      }
    }
    const moved = segment.children;
    for (const c of parent.children.slice(at, end)) c.parent = null;
    for (const c of moved) c.parent = parent;
    parent.children.splice(at, end - at, ...(moved as never[]));
    segment.children = [];
    remove(segment);
  }
}
