import type { Block } from './render.js';

// A product page prints its description, and its notices, more than once: under the name, again in a
// "Description" tab, in a mobile copy, in a quick-view. Runs of repeated paragraphs go on every shop page
// (once() in content.ts); on a product page a single block of a sentence or more met again word for word is
// dropped too. Shorter blocks stay: a price or "Only a few left" beside each variant is the page's own.

const MIN_CHARS = 40;

/** The blocks without the second and later copies of any block of MIN_CHARS characters or more. */
export function withoutRepeats(blocks: Block[]): Block[] {
  const seen = new Set<string>();
  return blocks.filter((b) => {
    if (b.text.length < MIN_CHARS) return true;
    if (seen.has(b.text)) return false;
    seen.add(b.text);
    return true;
  });
}
