import type { ExtractedDocument } from '@sward/extract';

/**
 * Structure-aware chunking of an extracted document's Markdown for retrieval. Sections are cut at
 * headings and a chunk never spans two sections, so every chunk has one heading path. Inside a section,
 * paragraphs, lists, tables and code blocks stay whole when they fit the target size; a block that does
 * not fit is split at its own seams (list items, table rows with the header repeated, code lines with the
 * fence repeated, then sentences, then words) so each piece still reads on its own.
 */
export interface ChunkOptions {
  /** Target (maximum) chunk size in `unit`s; default 1200 characters or 300 tokens. */
  size?: number;
  /** 'chars' (default) or 'tokens', approximated as 4 characters each: no tokenizer is needed. */
  unit?: 'chars' | 'tokens';
  /**
   * How much of the previous chunk's prose (whole sentences where possible) a chunk repeats at its start
   * when the section continues, in `unit`s; default 0. Tables and code are never repeated: a half row
   * helps no one. Must be less than half of `size`.
   */
  overlap?: number;
  /** Put in front of every heading path, e.g. the page title (extract() keeps the H1 out of the Markdown). */
  rootHeading?: string;
}

export interface Chunk {
  /** 0-based position in the document. */
  index: number;
  text: string;
  /** Headings above the chunk, outermost first, e.g. ["Guide", "Install", "Linux"]; [] before the first. */
  headingPath: string[];
  /** Character offset in the Markdown where the chunk's text starts (its overlap included). */
  offset: number;
  /** Character offset just past the chunk's last source character. */
  end: number;
  /** Size of `text` in the chosen unit. */
  size: number;
}

type Kind = 'prose' | 'table' | 'code';
interface Piece {
  text: string;
  start: number;
  end: number;
  kind: Kind;
}
interface Block {
  type: 'heading' | 'paragraph' | 'list' | 'table' | 'code';
  start: number;
  end: number;
  level?: number;
  title?: string;
  /** Line start offsets of the block, for splitting. */
  lines: Line[];
}
interface Line {
  start: number;
  end: number;
  text: string;
}

const TOKEN_CHARS = 4;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^( *)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;
const TABLE_ROW = /^ {0,3}\|/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const TABLE_SEP = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

export function chunkMarkdown(markdown: string, opts: ChunkOptions = {}): Chunk[] {
  const unit = opts.unit ?? 'chars';
  const size = opts.size ?? (unit === 'tokens' ? 300 : 1200);
  const overlap = opts.overlap ?? 0;
  if (!(size > 0)) throw new RangeError(`chunk size must be positive, got ${size}`);
  if (overlap < 0 || overlap * 2 >= size)
    throw new RangeError(`chunk overlap must be in [0, size/2), got ${overlap} for size ${size}`);
  const measure =
    unit === 'tokens' ? (s: string) => Math.ceil(s.length / TOKEN_CHARS) : (s: string) => s.length;
  const ctx: Ctx = { src: markdown, size, overlap, measure };

  const root = opts.rootHeading?.trim() ? [opts.rootHeading.trim()] : [];
  const chunks: Chunk[] = [];
  const path: { level: number; title: string }[] = [];
  let section: Piece[] = [];
  const flushSection = () => {
    pack(ctx, section, [...root, ...path.map((h) => h.title)], chunks);
    section = [];
  };
  for (const b of parseBlocks(markdown)) {
    if (b.type === 'heading') {
      flushSection();
      while (path.length && (path[path.length - 1]?.level ?? 0) >= (b.level ?? 1)) path.pop();
      path.push({ level: b.level ?? 1, title: b.title ?? '' });
      continue;
    }
    section.push(...splitBlock(ctx, b));
  }
  flushSection();
  return chunks;
}

/**
 * Chunks a document from `extract()`: its Markdown, or its plain text when it has none. The title roots
 * the heading paths unless the Markdown has its own top-level heading.
 */
export function chunkDocument(
  doc: Pick<ExtractedDocument, 'markdown' | 'text'> & { title?: string | null },
  opts: ChunkOptions = {},
): Chunk[] {
  const md = doc.markdown.trim() ? doc.markdown : doc.text;
  const hasH1 = /^ {0,3}# /m.test(md);
  return chunkMarkdown(md, { rootHeading: hasH1 ? undefined : (doc.title ?? undefined), ...opts });
}

interface Ctx {
  src: string;
  size: number;
  overlap: number;
  measure: (s: string) => number;
}

function pack(ctx: Ctx, pieces: Piece[], headingPath: string[], out: Chunk[]): void {
  let cur: Piece[] = [];
  let lead: Piece | null = null;
  const text = (ps: Piece[]) =>
    ps.map((p, i) => (i ? sep(ctx.src, ps[i - 1] as Piece, p) : '') + p.text).join('');
  const flush = () => {
    if (!cur.length) return;
    const all = lead ? [lead, ...cur] : cur;
    const t = text(all);
    out.push({
      index: out.length,
      text: t,
      headingPath: [...headingPath],
      offset: all[0]?.start ?? 0,
      end: all[all.length - 1]?.end ?? 0,
      size: ctx.measure(t),
    });
  };
  for (const p of pieces) {
    if (cur.length && ctx.measure(text([...(lead ? [lead] : []), ...cur, p])) <= ctx.size) {
      cur.push(p);
      continue;
    }
    flush();
    const prev = cur[cur.length - 1];
    lead = prev && ctx.overlap > 0 ? tail(ctx, prev) : null;
    if (lead && ctx.measure(text([lead, p])) > ctx.size) lead = null;
    cur = [p];
  }
  flush();
}

/**
 * What goes between two pieces of a chunk: pieces cut from one paragraph keep their single space or line
 * break, anything else is a block boundary.
 */
function sep(src: string, a: Piece, b: Piece): string {
  if (a.kind === 'prose' && b.kind === 'prose' && b.start >= a.end) {
    const gap = src.slice(a.end, b.start);
    // a token cut by characters has no gap at all
    if (gap === '') return '';
    if (!gap.trim() && !/\n[ \t]*\n/.test(gap)) return gap.includes('\n') ? '\n' : ' ';
  }
  return '\n\n';
}

/** The end of a prose piece, whole sentences when they fit in the overlap, else whole words. */
function tail(ctx: Ctx, p: Piece): Piece | null {
  if (p.kind !== 'prose') return null;
  const sentences = segments(ctx.src, p.start, p.end, 'sentence');
  let start = p.end;
  for (let i = sentences.length - 1; i >= 0; i--) {
    const s = sentences[i];
    if (!s || ctx.measure(ctx.src.slice(s.start, p.end).trim()) > ctx.overlap) break;
    start = s.start;
  }
  if (start === p.end) {
    const words = segments(ctx.src, p.start, p.end, 'word');
    for (let i = words.length - 1; i >= 0; i--) {
      const w = words[i];
      if (!w || ctx.measure(ctx.src.slice(w.start, p.end).trim()) > ctx.overlap) break;
      start = w.start;
    }
  }
  const raw = ctx.src.slice(start, p.end);
  const t = raw.trim();
  if (!t) return null;
  return { text: t, start: start + raw.length - raw.trimStart().length, end: p.end, kind: 'prose' };
}

function splitBlock(ctx: Ctx, b: Block): Piece[] {
  const whole = ctx.src.slice(b.start, b.end).trimEnd();
  const kind: Kind = b.type === 'table' ? 'table' : b.type === 'code' ? 'code' : 'prose';
  if (ctx.measure(whole) <= ctx.size)
    return [{ text: whole, start: b.start, end: b.start + whole.length, kind }];
  if (b.type === 'table') {
    const hasSep = b.lines.length > 1 && TABLE_SEP.test(b.lines[1]?.text ?? '');
    const headLines = hasSep ? b.lines.slice(0, 2) : b.lines.slice(0, 1);
    const header = headLines.map((l) => l.text).join('\n');
    const rows = b.lines.slice(headLines.length);
    // the header is repeated only when every row fits beside it; otherwise it goes once, with the first rows
    return wrapsAll(ctx, rows, `${header}\n`, '')
      ? group(ctx, rows, `${header}\n`, '', 'table', b.start)
      : group(ctx, b.lines, '', '', 'table', b.start);
  }
  if (b.type === 'code') {
    const open = b.lines[0];
    const last = b.lines[b.lines.length - 1];
    const closed = b.lines.length > 1 && last && FENCE.test(last.text);
    const body = b.lines.slice(1, closed ? -1 : undefined);
    const fence = open?.text.match(FENCE)?.[1] ?? '```';
    const pre = `${open?.text ?? fence}\n`;
    const post = `\n${fence}`;
    return wrapsAll(ctx, body, pre, post)
      ? group(ctx, body, pre, post, 'code', b.start)
      : group(ctx, b.lines, '', '', 'code', b.start);
  }
  if (b.type === 'list') return group(ctx, listItems(b), '', '', 'prose', b.start);
  return group(ctx, segments(ctx.src, b.start, b.end, 'sentence'), '', '', 'prose', b.start);
}

interface Range {
  start: number;
  end: number;
}

/** Whether each unit fits the split budget wrapped in prefix/suffix, with room to spare for a neighbour. */
function wrapsAll(ctx: Ctx, units: Range[], prefix: string, suffix: string): boolean {
  const budget = ctx.size - ctx.overlap;
  if (ctx.measure(prefix + suffix) * 2 >= budget) return false;
  return units.every(
    (u) => ctx.measure(`${prefix}${ctx.src.slice(u.start, u.end).trim()}${suffix}`) <= budget,
  );
}

/**
 * Greedily packs consecutive units (rows, items, lines, sentences) into pieces that fit, each wrapped in
 * `prefix`/`suffix` (a table header, a code fence). A unit that alone is too large is split finer.
 */
function group(
  ctx: Ctx,
  units: Range[],
  prefix: string,
  suffix: string,
  kind: Kind,
  blockStart: number,
): Piece[] {
  const out: Piece[] = [];
  const wrap = (a: number, b: number) => `${prefix}${ctx.src.slice(a, b).trim()}${suffix}`;
  // split pieces leave room for the overlap the next chunk will repeat in front of them
  const budget = ctx.size - ctx.overlap;
  const fits = (a: number, b: number) => ctx.measure(wrap(a, b)) <= budget;
  let first: Range | null = null;
  let last: Range | null = null;
  const emit = () => {
    if (!first || !last) return;
    const text = wrap(first.start, last.end);
    const raw = ctx.src.slice(first.start, last.end);
    // the first piece's source starts with the block itself (header or fence included)
    const start = out.length === 0 ? blockStart : first.start + raw.length - raw.trimStart().length;
    out.push({ text, start, end: last.end - (raw.length - raw.trimEnd().length), kind });
    first = last = null;
  };
  for (const u of units) {
    if (!ctx.src.slice(u.start, u.end).trim()) continue;
    if (first && fits(first.start, u.end)) {
      last = u;
      continue;
    }
    emit();
    if (fits(u.start, u.end)) {
      first = last = u;
      continue;
    }
    // too large on its own: sentences, then words, then characters; wrapped without prefix/suffix
    for (const p of splitFiner(ctx, u)) out.push({ ...p, kind });
  }
  emit();
  return out;
}

function splitFiner(ctx: Ctx, r: Range): Piece[] {
  const sentences = segments(ctx.src, r.start, r.end, 'sentence');
  if (sentences.length > 1) return group(ctx, sentences, '', '', 'prose', r.start);
  const words = segments(ctx.src, r.start, r.end, 'word');
  if (words.length > 1) return group(ctx, words, '', '', 'prose', r.start);
  // one huge token (a URL, base64): cut by characters, about `size` each
  const out: Piece[] = [];
  const text = ctx.src.slice(r.start, r.end);
  const budget = ctx.size - ctx.overlap;
  let step = budget;
  while (step > 1 && ctx.measure('x'.repeat(step)) > budget) step--;
  for (let i = 0; i < text.length; i += step)
    out.push({
      text: text.slice(i, i + step),
      start: r.start + i,
      end: r.start + Math.min(i + step, text.length),
      kind: 'prose',
    });
  return out;
}

const sentenceSeg = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/** Sentence ranges (Intl.Segmenter) or whitespace-separated word ranges of src[start, end). */
function segments(src: string, start: number, end: number, by: 'sentence' | 'word'): Range[] {
  const s = src.slice(start, end);
  const out: Range[] = [];
  if (by === 'sentence') {
    for (const seg of sentenceSeg.segment(s))
      out.push({ start: start + seg.index, end: start + seg.index + seg.segment.length });
  } else {
    for (const m of s.matchAll(/\S+\s*/g))
      out.push({ start: start + m.index, end: start + m.index + m[0].length });
  }
  return out;
}

/** Top-level items of a list block: from one marker at the list's own indent to the next. */
function listItems(b: Block): Range[] {
  const indent = b.lines[0]?.text.match(LIST_ITEM)?.[1]?.length ?? 0;
  const starts = b.lines.filter((l) => {
    const m = l.text.match(LIST_ITEM);
    return m && (m[1]?.length ?? 0) <= indent;
  });
  return starts.map((l, i) => ({ start: l.start, end: starts[i + 1]?.start ?? b.end }));
}

function splitLines(src: string): Line[] {
  const out: Line[] = [];
  let pos = 0;
  while (pos < src.length) {
    const nl = src.indexOf('\n', pos);
    const end = nl === -1 ? src.length : nl;
    out.push({ start: pos, end, text: src.slice(pos, end).replace(/\r$/, '') });
    pos = end + 1;
  }
  return out;
}

const blank = (l: Line | undefined) => !l?.text.trim();

/** A small CommonMark-ish block scanner: enough for turndown's output and hand-written Markdown. */
function parseBlocks(src: string): Block[] {
  const lines = splitLines(src);
  const blocks: Block[] = [];
  const block = (type: Block['type'], ls: Line[], extra: Partial<Block> = {}): void => {
    const first = ls[0];
    const last = ls[ls.length - 1];
    if (first && last) blocks.push({ type, start: first.start, end: last.end, lines: ls, ...extra });
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as Line;
    const t = line.text;
    if (!t.trim()) {
      i++;
      continue;
    }
    const fence = t.match(FENCE);
    if (fence) {
      const mark = fence[1] as string;
      let j = i + 1;
      while (j < lines.length) {
        const m = (lines[j] as Line).text.match(/^ {0,3}(`{3,}|~{3,})[ \t]*$/);
        if (m && m[1]?.[0] === mark[0] && (m[1]?.length ?? 0) >= mark.length) break;
        j++;
      }
      block('code', lines.slice(i, Math.min(j + 1, lines.length)));
      i = j + 1;
      continue;
    }
    const atx = t.match(ATX);
    if (atx) {
      block('heading', [line], { level: atx[1]?.length ?? 1, title: headingText(atx[2] ?? '') });
      i++;
      continue;
    }
    if (HR.test(t)) {
      i++;
      continue;
    }
    if (TABLE_ROW.test(t)) {
      let j = i;
      while (j < lines.length && TABLE_ROW.test((lines[j] as Line).text)) j++;
      block('table', lines.slice(i, j));
      i = j;
      continue;
    }
    if (LIST_ITEM.test(t)) {
      let j = i + 1;
      while (j < lines.length) {
        const l = lines[j] as Line;
        if (!blank(l)) {
          // continuation lines are indented or are further items; anything else ends the list
          if (LIST_ITEM.test(l.text) || /^[ \t]+\S/.test(l.text)) {
            j++;
            continue;
          }
          break;
        }
        let k = j;
        while (k < lines.length && blank(lines[k])) k++;
        const next = lines[k];
        if (next && (LIST_ITEM.test(next.text) || /^[ \t]{2,}\S/.test(next.text))) j = k;
        else break;
      }
      block('list', lines.slice(i, j));
      i = j;
      continue;
    }
    // paragraph: until a blank line or the start of another block; a setext underline makes it a heading
    let j = i + 1;
    let setext = 0;
    while (j < lines.length) {
      const l = (lines[j] as Line).text;
      if (!l.trim()) break;
      const u = l.match(SETEXT);
      if (u) {
        setext = u[1]?.[0] === '=' ? 1 : 2;
        break;
      }
      if (FENCE.test(l) || ATX.test(l) || HR.test(l) || TABLE_ROW.test(l) || /^ {0,3}[-*+][ \t]+\S/.test(l))
        break;
      j++;
    }
    if (setext) {
      const ls = lines.slice(i, j);
      block('heading', [...ls, lines[j] as Line], {
        level: setext,
        title: headingText(ls.map((l) => l.text.trim()).join(' ')),
      });
      i = j + 1;
      continue;
    }
    block('paragraph', lines.slice(i, j));
    i = j;
  }
  return blocks;
}

/** A heading's plain words: links keep their text, emphasis/code marks and backslash escapes go. */
function headingText(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|_|`|~~)(?=\S)([\s\S]*?[^\s\\])\1/g, '$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1')
    .trim();
}
