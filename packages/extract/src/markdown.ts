import { createRequire } from 'node:module';
import render from 'dom-serializer';
import type TurndownService from 'turndown';
import type * as GfmPlugin from 'turndown-plugin-gfm';
import { type AnyNode, type Element, isElement, type Text } from './dom.js';
import { mdTree, needsParser } from './turndown-dom.js';

// Markdown comes from turndown (+ the GFM plugin's strikethrough and task lists). Turndown reads a DOM: it
// gets a copy of the main-content subtree with the DOM's face turndown uses (turndown-dom.ts), or, when an
// HTML parser would rebuild that subtree otherwise (foreign content, raw text, stray table parts), the
// subtree serialised, which turndown parses with its own DOM (domino, loaded with turndown anyway). The
// whole page never goes through a full DOM.
//
// Turndown and domino are loaded on the first Markdown asked for, not with this module: evaluating them is
// about a third of a bare Node start, which `sward extract --format text` (and any caller passing
// `markdown: false`) does not need. extract() is synchronous, so they are required (both are CommonJS).
// The direct `require()` calls let the bins' bundler (scripts/bundle-bins.mjs) put them in the bundle,
// evaluated on first call; the compiled package, an ES module without `require`, resolves them from
// node_modules instead.
function loadTurndown(): { Turndown: typeof TurndownService; gfm: typeof GfmPlugin } {
  if (typeof require === 'function')
    return { Turndown: require('turndown'), gfm: require('turndown-plugin-gfm') };
  const load = createRequire(import.meta.url);
  return { Turndown: load('turndown'), gfm: load('turndown-plugin-gfm') };
}

const MAX_HTML = 1_000_000;

let turndown: TurndownService | null = null;
function converter(): TurndownService {
  if (turndown) return turndown;
  const { Turndown, gfm } = loadTurndown();
  const td = new Turndown({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '*',
  });
  td.use([gfm.strikethrough, gfm.taskListItems]);
  addTableRules(td);
  // turndown pads list markers to four columns ("-   item"); one space is what people write
  td.addRule('listItem', {
    filter: 'li',
    replacement: (content, node, options) => {
      const parent = node.parentNode as
        | (TurndownService.Node & { getAttribute(n: string): string | null })
        | null;
      let prefix = `${options.bulletListMarker ?? '-'} `;
      if (parent?.nodeName === 'OL') {
        const items = Array.from(parent.childNodes as ArrayLike<{ nodeName: string }>).filter(
          (c) => c.nodeName === 'LI',
        );
        const start = Number(parent.getAttribute('start') ?? '1') || 1;
        prefix = `${start + items.indexOf(node as never)}. `;
      }
      const body = content
        .replace(/^\n+/, '')
        .replace(/\n+$/, '\n')
        .replace(/\n/gm, `\n${' '.repeat(prefix.length)}`);
      return prefix + body + (node.nextSibling && !/\n$/.test(body) ? '\n' : '');
    },
  });
  td.remove(['script', 'style', 'noscript', 'iframe', 'form', 'button']);
  addCodeRule(td);
  // turndown escapes each text node with its 13 expressions in turn: a text none of them matches is its own
  // escape, found with two (markdown.test.ts holds the two equal)
  const ownEscape = td.escape.bind(td);
  td.escape = (text: string) => (unescaped(text) ? text : ownEscape(text));
  turndown = td;
  return td;
}

const ESCAPED_ANYWHERE = /[\\*`[\]_]/;
const ESCAPED_FIRST = /^[-+=#~>0-9]/;

/**
 * True when turndown's escaping leaves `text` as it is: none of \\ * ` [ ] _ anywhere, and no - + = # ~ > or
 * ASCII digit first (its expressions without the multiline flag anchor at the text's start only). Two
 * expressions: a scan by code unit in JavaScript was slower than turndown's thirteen.
 */
export function unescaped(text: string): boolean {
  return !ESCAPED_ANYWHERE.test(text) && !ESCAPED_FIRST.test(text);
}

/**
 * Markdown of the content nodes; links were made absolute beforehand by `absolutizeLinks`. `via: 'html'`
 * always hands turndown HTML (the tests compare the two ways).
 */
export function toMarkdown(nodes: Element[], via: 'tree' | 'html' = 'tree'): string | null {
  if (!nodes.length) return '';
  // a lower bound first: serialising a megabyte-sized subtree only to drop it was a tenth of a huge page's time
  const least = serialisedAtLeast(nodes);
  if (least > MAX_HTML) return null;
  let md: string;
  if (via === 'tree' && least < MAX_HTML / 4 && !needsParser(nodes)) {
    md = converter().turndown(mdTree(nodes) as unknown as TurndownService.Node);
  } else {
    const html = render(nodes, { decodeEntities: true, encodeEntities: 'utf8' });
    // turndown is superlinear on very large inputs; the caller falls back to plain paragraphs
    if (html.length > MAX_HTML) return null;
    md = converter().turndown(html);
  }
  // whitespace-only lines (left by loose list items' indentation) are blank lines
  return md
    .replace(/^[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * At most the length of the subtrees' HTML (text plus the shortest tags, `<x>` and `</x>`), counted until it
 * passes MAX_HTML: above it, the HTML is above it too.
 */
function serialisedAtLeast(nodes: Element[]): number {
  let n = 0;
  const stack: AnyNode[] = [...nodes];
  while (stack.length && n <= MAX_HTML) {
    const c = stack.pop() as AnyNode;
    if (c.type === 'text') n += (c as Text).data.length;
    else if (isElement(c)) {
      n += c.name.length + 2 + (c.children.length ? c.name.length + 3 : 0);
      for (const k of c.children) stack.push(k);
    }
  }
  return n;
}

// GFM tables: the plugin's table rule keeps header-less tables as raw HTML; these rules make every table
// a pipe table (first row as the header), reading rows by walking the children, which any DOM has.
function addTableRules(td: TurndownService): void {
  const cells = (tr: TurndownService.Node) =>
    Array.from(tr.childNodes as ArrayLike<{ nodeName: string }>).filter(
      (c) => c.nodeName === 'TD' || c.nodeName === 'TH',
    ).length;
  const tableOf = (n: TurndownService.Node): Element | null => {
    let p = n.parentNode as (TurndownService.Node & ParentNodeLike) | null;
    while (p && p.nodeName !== 'TABLE') p = p.parentNode as (TurndownService.Node & ParentNodeLike) | null;
    return p as unknown as Element | null;
  };
  td.addRule('tableCell', {
    filter: ['th', 'td'],
    replacement: (content) =>
      ` ${content
        .replace(/\s*\n+\s*/g, ' ')
        .replace(/\|/g, '\\|')
        .trim()} |`,
  });
  td.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const table = tableOf(node) as unknown as ParentNodeLike | null;
      const first = table?.querySelector('tr') === (node as unknown);
      const sep = first ? `\n|${' --- |'.repeat(Math.max(1, cells(node)))}` : '';
      return `\n|${content}${sep}`;
    },
  });
  td.addRule('tableSection', { filter: ['thead', 'tbody', 'tfoot'], replacement: (c) => c });
  td.addRule('table', { filter: 'table', replacement: (c) => `\n\n${c.replace(/^\n+/, '')}\n\n` });
  // a blank line after the caption: a table right under a line of text would be read as that paragraph's
  td.addRule('tableCaption', { filter: ['caption'], replacement: (c) => `${c.trim()}\n\n` });
}

// Every <pre> is a fenced block (turndown fences only <pre><code>, so a bare <pre> lost its indentation),
// with the language when the page names it in any of the usual ways: language-x / lang-x classes on the
// <code> or the <pre>, data-lang / data-language, SyntaxHighlighter's "brush: x", or a highlight-x /
// language-x wrapper (Sphinx, Jekyll). The fence is longer than any run of backticks inside.
const LANG_CLASS = /(?:^|\s)(?:language|lang|highlight|brush:)-?\s*([A-Za-z0-9_+#.-]{1,20})(?:\s|$)/;
type ElLike = TurndownService.Node & {
  getAttribute(n: string): string | null;
  textContent: string | null;
  parentNode: ElLike | null;
  firstChild: ElLike | null;
};

function languageOf(pre: ElLike): string {
  const code = pre.firstChild && pre.firstChild.nodeName === 'CODE' ? pre.firstChild : null;
  const tries: (ElLike | null)[] = [code, pre, pre.parentNode, pre.parentNode?.parentNode ?? null];
  for (const n of tries) {
    if (!n?.getAttribute) continue;
    const data = n.getAttribute('data-lang') ?? n.getAttribute('data-language');
    if (data && /^[A-Za-z0-9_+#.-]{1,20}$/.test(data)) return data.toLowerCase();
    const m = LANG_CLASS.exec(n.getAttribute('class') ?? '');
    if (m?.[1] && !/^(default|none|plaintext|text|notranslate|source)$/i.test(m[1]))
      return m[1].toLowerCase();
  }
  return '';
}

function addCodeRule(td: TurndownService): void {
  td.addRule('preBlock', {
    filter: 'pre',
    replacement: (_content, node) => {
      const pre = node as ElLike;
      const code = (pre.textContent ?? '').replace(/\n$/, '');
      const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((r: string) => r.length));
      const fence = '`'.repeat(longest + 1);
      return `\n\n${fence}${languageOf(pre)}\n${code}\n${fence}\n\n`;
    },
  });
}

interface ParentNodeLike {
  querySelector(sel: string): unknown;
}
