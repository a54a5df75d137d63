/**
 * The last small page's parse (its parser and tokenizer, its tree as later steps left it, the Markdown
 * converter's tree), held until the next page's. `sward coordinator` runs with V8's --optimize-for-size,
 * whose mark-compacts (in every isolate of the process, the extraction threads' too) reduce memory and so
 * keep no hidden class that no live object uses: one between two pages dropped the classes of the per-page
 * objects, and with them every optimised function built for them (V8's "weak objects" deoptimisation),
 * compiled again on the next pages. Holding one parse keeps those classes alive (an extraction thread's
 * deoptimisations a 2,000-page crawl ~150 -> ~45, its compiles ~0.75x: docs/BENCHMARKS.md, session 20, jit).
 * Pages over RETAIN_MAX_CHARS are not held, so what is held stays small.
 */
const RETAIN_MAX_CHARS = 256 * 1024;

/** One slot per kind of parse (the extractor's tree, the link scan's tokenizer). */
const held = new Map<string, readonly unknown[]>();

/** Holds `objects` as the last parse of `kind` (a page of `chars` characters), or holds none if it is big. */
export function retainShapes(kind: string, chars: number, ...objects: unknown[]): void {
  if (chars <= RETAIN_MAX_CHARS) held.set(kind, objects);
  else held.delete(kind);
}

/** The kinds of parse held now (for tests). */
export function retainedKinds(): string[] {
  return [...held.keys()].sort();
}
