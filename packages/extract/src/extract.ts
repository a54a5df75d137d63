import { mainContent } from './content.js';
import { decodeHtml } from './decode.js';
import { type Element, firstByName, parseHtml } from './dom.js';
import { mostlyWithin, readabilitySecondOpinion, SECOND_OPINION_BELOW } from './fallback.js';
import { jsonLdObjects } from './json-ld.js';
import { detectLanguage } from './language.js';
import { absolutizeLinks, collectLinks, type Link } from './links.js';
import { toMarkdown } from './markdown.js';
import { type DateSource, readMetadata } from './metadata.js';
import { limitNesting } from './nesting.js';
import { detectPageType, type PageType } from './page-type.js';
import { type PiiCounts, type PiiOption, redactPii, zeroPiiCounts } from './pii.js';
import { unrenderedShell } from './product-shell.js';
import { applyQualityPreset, type QualityPreset, type QualityVerdict } from './quality-presets.js';
import { type QualitySignals, qualitySignals } from './quality-signals.js';
import { isEmptyStructured, type StructuredData, structuredData } from './structured.js';

export interface ExtractOptions {
  /** The page's final URL: base for absolute links, and echoed in the document. */
  url?: string;
  /** Content-Type header, used when `html` is bytes. */
  contentType?: string;
  /**
   * Replace emails, phone numbers, IP addresses and (Luhn-valid) card numbers by [EMAIL]/[PHONE]/[IP]/[CARD]
   * (default true): false keeps them all, `{ email: false }` keeps emails and redacts the rest. URLs and
   * link targets are never changed.
   */
  redactPii?: PiiOption;
  /** Produce Markdown (default true). */
  markdown?: boolean;
  /** Ask Readability.js when our own main text is short, keep its result if much longer (default true). */
  secondOpinion?: boolean;
  /** Quality preset whose verdict is attached (default 'none': signals only). */
  qualityPreset?: QualityPreset;
  /**
   * Longer inputs lose their scripts/styles/SVG/comments and are then cut to this many
   * characters (default 4 Mi), with a warning.
   */
  maxChars?: number;
}

export interface ExtractedDocument {
  url: string | null;
  title: string | null;
  author: string | null;
  /** ISO 8601 (date, or date-time with the page's own offset) when the page states one. */
  published: string | null;
  /** Where `published` was read: JSON-LD, a meta tag, microdata, a <time>, the visible text or the URL. */
  publishedSource: DateSource | null;
  siteName: string | null;
  /** ISO 639-1. */
  language: string | null;
  description: string | null;
  canonicalUrl: string | null;
  /** Main text, paragraphs separated by blank lines. */
  text: string;
  markdown: string;
  /** Outgoing http(s) links of the whole page, absolute, de-duplicated. */
  links: Link[];
  /** Robots meta tags that apply to SwardBot, for opt-out checks (e.g. `noai`). */
  metaRobots: { name: string; content: string }[];
  wordCount: number;
  quality: QualitySignals;
  qualityVerdict: QualityVerdict & { preset: QualityPreset };
  pii: PiiCounts;
  /** The kind of page (article, forum, product, …) with the evidence's confidence; null on empty input. */
  pageType: PageType | null;
  /** The page's schema.org JSON-LD for products, posts, lists, FAQs, HowTos and reviews; null when none. */
  structured: StructuredData | null;
  /** Non-fatal problems met on the way (e.g. "truncated-input", "deeply-nested"). */
  warnings: string[];
  /** Why the document is empty, when it is. */
  reason: string | null;
}

const DEFAULT_MAX_CHARS = 4 * 1024 * 1024;
const STRIP_WHEN_HUGE = /<(script|style|svg)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->/gi;

/** HTML (string or bytes) to a clean document. Never throws: problems end up in `warnings`/`reason`. */
export function extract(html: string | Uint8Array, opts: ExtractOptions = {}): ExtractedDocument {
  const warnings: string[] = [];
  const preset = opts.qualityPreset ?? 'none';
  try {
    let src: string;
    if (typeof html === 'string') src = html;
    else if (html instanceof Uint8Array) {
      const d = decodeHtml(html, opts.contentType);
      src = d.text;
      warnings.push(...d.warnings);
    } else return emptyDoc(opts, preset, warnings, 'not-html: input is neither a string nor bytes');
    const max = opts.maxChars ?? DEFAULT_MAX_CHARS;
    if (src.length > max) {
      // scripts, styles, inline SVG and comments are most of a huge page and never content
      src = src.replace(STRIP_WHEN_HUGE, ' ');
      if (src.length > max) {
        src = src.slice(0, max);
        warnings.push('truncated-input');
      }
    }
    if (!src.trim()) return emptyDoc(opts, preset, warnings, 'empty-input');
    if (looksBinary(src)) return emptyDoc(opts, preset, warnings, 'binary-input');
    return extractFrom(src, opts, preset, warnings);
  } catch (e) {
    return emptyDoc(opts, preset, warnings, `internal-error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function extractFrom(
  src: string,
  opts: ExtractOptions,
  preset: QualityPreset,
  warnings: string[],
): ExtractedDocument {
  const shallow = limitNesting(src);
  const { doc, flattened } = parseHtml(shallow.html);
  if (flattened || shallow.limited) warnings.push('deeply-nested');
  const ld = jsonLdObjects(doc);
  const meta = readMetadata(doc, opts.url, ld);
  const pageType = detectPageType(doc, ld, meta.ogType, opts.url ?? meta.canonicalUrl ?? undefined);
  const structured = structuredData(ld);
  const pageBase = meta.canonicalUrl && opts.url === undefined ? meta.canonicalUrl : opts.url;
  // <base href> changes what relative links mean, as in a browser; a bad one is ignored.
  const baseHref = meta.base?.attribs.href;
  let base = pageBase;
  if (baseHref) {
    try {
      base = new URL(baseHref, pageBase).href;
    } catch {
      base = pageBase;
    }
  }
  // htmlparser2 adds no implicit <body>: a bare fragment is walked from the document root.
  const body = firstByName(doc, 'body') ?? firstByName(doc, 'html') ?? (doc as unknown as Element);
  const links = collectLinks(body, base);
  const itemUrls = structured.itemLists.flatMap((l) => l.items.map((i) => i.url).filter((u) => u !== null));
  let main = mainContent(doc, pageType, { product: structured.products[0], itemUrls, url: base });
  let text = main.blocks.map((b) => b.text).join('\n\n');
  // pathological pages (very deep or huge) skip the second opinion: Readability is
  // superlinear on them and they are not articles anyway
  const askable = !shallow.limited && !flattened && src.length < 2_000_000;
  if (text.length < SECOND_OPINION_BELOW && askable && !main.anchored && opts.secondOpinion !== false) {
    try {
      const alt = readabilitySecondOpinion(shallow.html, text.length);
      // an app shell's page takes a second reading only when it names the product or says a sentence (a
      // description in a panel the class hides); the frame's headings read again are still no content
      const frame = main.shell && alt && unrenderedShell(alt.blocks, structured.products[0]?.name);
      if (alt && !frame && !(main.footer !== undefined && mostlyWithin(alt.blocks, main.footer))) {
        main = alt;
        text = alt.blocks.map((b) => b.text).join('\n\n');
        warnings.push('second-opinion: readability');
      }
    } catch (e) {
      warnings.push(`second-opinion-failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let markdown = '';
  // content too large for turndown: its Markdown is the text, redacted once below for both
  let plain = false;
  if (opts.markdown !== false && main.nodes.length) {
    absolutizeLinks(main.nodes, base);
    try {
      const md = toMarkdown(main.nodes as Element[]);
      if (md === null) warnings.push('markdown-plain: content too large for turndown');
      plain = md === null;
      markdown = md ?? text;
    } catch (e) {
      warnings.push(`markdown-failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // counts are of the text; the Markdown holds the same content (plus link targets, never redacted)
  const pii: PiiCounts = zeroPiiCounts();
  if (opts.redactPii !== false) {
    text = redactPii(text, pii, opts.redactPii).text;
    markdown = plain ? text : redactPii(markdown, zeroPiiCounts(), opts.redactPii).text;
  }
  const language = detectLanguage(text || (meta.title ?? ''), meta.htmlLang);
  const quality = qualitySignals({ text, language });
  return {
    url: opts.url ?? null,
    title: meta.title,
    author: meta.byline,
    published: meta.published,
    publishedSource: meta.publishedSource,
    siteName: meta.siteName,
    language,
    description: meta.description,
    canonicalUrl: meta.canonicalUrl,
    text,
    markdown,
    links,
    metaRobots: meta.metaRobots,
    // the same count: quality.words is the text's WORD matches
    wordCount: quality.words,
    quality,
    qualityVerdict: { preset, ...applyQualityPreset(quality, preset) },
    pii,
    pageType,
    structured: isEmptyStructured(structured) ? null : structured,
    warnings,
    reason: text ? null : 'no-main-content',
  };
}

function looksBinary(s: string): boolean {
  const head = s.slice(0, 4096);
  let bad = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) bad++;
  }
  return bad > head.length * 0.1;
}

function emptyDoc(
  opts: ExtractOptions,
  preset: QualityPreset,
  warnings: string[],
  reason: string,
): ExtractedDocument {
  const quality = qualitySignals({ text: '' });
  return {
    url: opts.url ?? null,
    title: null,
    author: null,
    published: null,
    publishedSource: null,
    siteName: null,
    language: null,
    description: null,
    canonicalUrl: null,
    text: '',
    markdown: '',
    links: [],
    metaRobots: [],
    wordCount: 0,
    quality,
    qualityVerdict: { preset, ...applyQualityPreset(quality, preset) },
    pii: zeroPiiCounts(),
    pageType: null,
    structured: null,
    warnings,
    reason,
  };
}
