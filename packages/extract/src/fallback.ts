import { createRequire } from 'node:module';
import type { Readability as ReadabilityClass } from '@mozilla/readability';
import { type Element, firstByName, parseHtml } from './dom.js';
import { type Block, renderBlocks } from './render.js';
import { WORD } from './word-stats.js';

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
  querySelectorAll(selectors: string): Iterable<ParsedElement>;
}
interface ParsedElement extends ParsedNode {
  remove(): void;
  closest(selectors: string): ParsedElement | null;
  parentElement: ParsedElement | null;
}
interface ParsedNode {
  nodeType: number;
  nodeName: string;
  data?: string;
  childNodes: ParsedNode[];
}

/**
 * The text nodes under `n`, one from the next kept apart (textContent runs a footer's link labels
 * together: "ReturnsContact"), scripts and styles left out.
 */
function spacedText(n: ParsedNode, out: string[]): void {
  for (const c of n.childNodes) {
    if (c.nodeType === 3) out.push(c.data ?? '');
    else if (c.nodeType === 1 && c.nodeName !== 'SCRIPT' && c.nodeName !== 'STYLE') spacedText(c, out);
  }
}

/** True when at least 80 % of the words of `blocks` are words of `text` (a reading of the same box). */
export function mostlyWithin(blocks: { text: string }[], text: string): boolean {
  const known = new Set(text.toLowerCase().match(WORD) ?? []);
  let n = 0;
  let inside = 0;
  for (const b of blocks)
    for (const w of b.text.toLowerCase().match(WORD) ?? []) {
      n++;
      if (known.has(w)) inside++;
    }
  return n === 0 || inside >= n * 0.8;
}

/**
 * The text of the page's site footers: each <footer> or role=contentinfo box that is not inside an
 * article, aside, main, nav or section (HTML gives a <footer> the contentinfo role only there; inside an
 * article it is the article's own footer: its byline, its tags).
 */
function siteFooterText(document: ParsedDocument): string {
  const out: string[] = [];
  for (const f of document.querySelectorAll('footer, [role="contentinfo"]')) {
    if (f.parentElement?.closest('article, aside, main, nav, section, [role="main"], [role="article"]'))
      continue;
    // an outer footer's text holds the inner one's already
    if (f.parentElement?.closest('footer, [role="contentinfo"]')) continue;
    spacedText(f, out);
  }
  return out.join(' ');
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
  // read before Readability, which rewrites the document it parses
  const footer = siteFooterText(document);
  const article = new Readability(
    document as unknown as ConstructorParameters<typeof Readability>[0],
  ).parse();
  if (!article?.content) return null;
  const { doc } = parseHtml(article.content);
  const root = firstByName(doc, 'body') ?? firstByName(doc, 'div');
  if (!root) return null;
  const blocks = renderBlocks([root]);
  const chars = blocks.reduce((s, b) => s + b.text.length, 0);
  if (chars <= 2 * ownChars) return null;
  // the site footer is no page's content: on a shop page whose items scripts draw, the longest run of prose
  // left can be the footer's "About us" blurb, and Readability, which has no notion of a footer, takes it
  if (footer && mostlyWithin(blocks, footer)) return null;
  return { blocks, nodes: [root] };
}
