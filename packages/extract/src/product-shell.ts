import type { Block } from './render.js';

// A shop built as a single-page app serves crawlers its frame: skeleton boxes where the gallery, the buy box
// and the specifications will be drawn, and a few section headings around them ("Reviews", "Similar
// products", "sponsored"). The page's JSON-LD still names the product, but nothing the page prints does, and
// no sentence is printed at all: the page has no main content yet (WCXB's truth for such a page is empty),
// and the headings left around the skeletons are not it.

/** A frame's leftover labels are a few words; a product page drawn by its server prints more than this. */
const FEW_WORDS = 25;
/** A sentence: this many words or more, ending with its full stop (or ! ?). */
const SENTENCE_WORDS = 6;
const WORD = /[\p{L}\p{N}]+/gu;
/** Most of the name's words printed somewhere: the product is named. */
const NAMED = 0.5;

/**
 * Whether what was found on a product page is only the frame of an app shell: fewer than FEW_WORDS words,
 * none of them a sentence, and under half of the words of the name its structured data declares.
 */
export function unrenderedShell(blocks: Block[], name: string | null | undefined): boolean {
  const nameWords = new Set((name ?? '').toLowerCase().match(WORD) ?? []);
  if (!nameWords.size) return false;
  const printed = new Set<string>();
  let count = 0;
  for (const b of blocks) {
    const words = b.text.toLowerCase().match(WORD) ?? [];
    count += words.length;
    if (count >= FEW_WORDS) return false;
    if (words.length >= SENTENCE_WORDS && /[.!?]["'”’)]?$/.test(b.text.trim())) return false;
    for (const w of words) printed.add(w);
  }
  let hit = 0;
  for (const w of nameWords) if (printed.has(w)) hit++;
  return hit < nameWords.size * NAMED;
}
