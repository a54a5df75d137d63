import { createRequire } from 'node:module';
import type { Readability as ReadabilityClass } from '@mozilla/readability';
import { type Element, firstByName, parseHtml } from './dom.js';
import { type Block, renderBlocks } from './render.js';

// trafilatura's safety net (compare_extraction): when our own result is short, ask a second
// algorithm and keep its result if it is more than twice as long. The second opinion is
// Readability.js on linkedom; it costs a full DOM, so it only runs on short results, and the two are
// loaded only then (linkedom alone takes longer to load than the rest of extraction; extract() is
// synchronous, so they are required, both being CommonJS-loadable, rather than imported).

/** Our results shorter than this (characters) get a second opinion. */
export const SECOND_OPINION_BELOW = 500;

export interface SecondOpinion {
  blocks: Block[];
  nodes: Element[];
}

const require = createRequire(import.meta.url);
/** What the second opinion uses of linkedom's document besides handing it to Readability. */
interface ParsedDocument {
  querySelectorAll(selectors: string): Iterable<{ remove(): void }>;
}

let libs: {
  Readability: typeof ReadabilityClass;
  parseHTML: (html: string) => { document: ParsedDocument };
} | null = null;
function loadLibs() {
  libs ??= {
    Readability: require('@mozilla/readability').Readability,
    parseHTML: require('linkedom').parseHTML,
  };
  return libs;
}

export function readabilitySecondOpinion(html: string, ownChars: number): SecondOpinion | null {
  const { Readability, parseHTML } = loadLibs();
  const { document } = parseHTML(html);
  // a <dialog> without `open` is not shown (HTML's own style sheet hides it until a script opens it: a consent
  // manager's settings, a newsletter form); our reading skips dialogs, Readability reads one as any other box
  for (const d of document.querySelectorAll('dialog:not([open])')) d.remove();
  const article = new Readability(
    document as unknown as ConstructorParameters<typeof Readability>[0],
  ).parse();
  if (!article?.content) return null;
  const { doc } = parseHtml(article.content);
  const root = firstByName(doc, 'body') ?? firstByName(doc, 'div');
  if (!root) return null;
  const blocks = renderBlocks([root]);
  const chars = blocks.reduce((s, b) => s + b.text.length, 0);
  return chars > 2 * ownChars ? { blocks, nodes: [root] } : null;
}
