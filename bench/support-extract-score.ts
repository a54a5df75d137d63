// Extraction scoring shared by bench/extract-bench.ts, bench/eval.ts and the extraction gates in test/:
// loading a data set laid out as ScrapingHub's article-extraction benchmark (ground-truth.json) or as WCXB
// (ground-truth/<id>.json), and the two metrics. Written here because neither benchmark ships a JavaScript
// scorer (both are Python evaluate.py scripts); this is a port of the team's parity-checked score.mjs,
// which matched evaluate.py to ~1e-15 on the published prediction files. Bootstrap error bars are left out:
// nothing here reports them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from '@sward/extract';

/** What an extractor returns for one page; only articleBody is scored, the rest is matched when present. */
export interface Prediction {
  articleBody: string;
  title?: string | null;
  author?: string | null;
  date?: string | null;
}

export interface TruthPage {
  articleBody: string;
  url: string | undefined;
  /** WCXB only: must-include and boilerplate snippets, metadata, and the page type. */
  with?: string[];
  without?: string[];
  title?: string | null;
  author?: string | null;
  date?: string | null;
  type?: string;
}

export interface ExtractionSet {
  dir: string;
  /** shingle: ScrapingHub's 4-gram shingle metric; wcxb: WCXB's bag-of-words metric per page type. */
  metric: 'shingle' | 'wcxb';
  ids: string[];
  truth: Record<string, TruthPage>;
  html(id: string): string;
}

export class EvalDataError extends Error {
  override readonly name = 'EvalDataError';
}

/** Loads an extraction set; a missing folder or file is named in the error. */
export function loadExtractionSet(dir: string): ExtractionSet {
  if (!existsSync(dir)) throw new EvalDataError(`extraction data set not found: ${dir}`);
  if (!existsSync(join(dir, 'html'))) throw new EvalDataError(`no html/ folder in ${dir}`);
  const truth: Record<string, TruthPage> = {};
  let metric: ExtractionSet['metric'];
  if (existsSync(join(dir, 'ground-truth.json'))) {
    metric = 'shingle';
    const raw = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as Record<
      string,
      { articleBody?: string; url?: string }
    >;
    for (const [id, t] of Object.entries(raw)) truth[id] = { articleBody: t.articleBody ?? '', url: t.url };
  } else if (existsSync(join(dir, 'ground-truth'))) {
    metric = 'wcxb';
    for (const f of readdirSync(join(dir, 'ground-truth')).filter((x) => x.endsWith('.json'))) {
      const d = JSON.parse(readFileSync(join(dir, 'ground-truth', f), 'utf8'));
      const g = d.ground_truth ?? {};
      let type: string = d._internal?.page_type?.primary ?? d._internal?.page_type ?? 'article';
      if (type === 'category') type = 'collection';
      truth[f.slice(0, -'.json'.length)] = {
        articleBody: g.main_content ?? '',
        url: d.url,
        with: g.with ?? [],
        without: g.without ?? [],
        title: g.title,
        author: g.author,
        date: g.publish_date,
        type,
      };
    }
  } else {
    throw new EvalDataError(`no ground-truth.json or ground-truth/ in ${dir}`);
  }
  const ids = Object.keys(truth).sort();
  if (ids.length === 0) throw new EvalDataError(`no ground truth pages in ${dir}`);
  return {
    dir,
    metric,
    ids,
    truth,
    html: (id) => {
      const file = join(dir, 'html', `${id}.html.gz`);
      if (!existsSync(file)) throw new EvalDataError(`missing page ${file}`);
      return gunzipSync(readFileSync(file)).toString('utf8');
    },
  };
}

/** Python's re `\w+` on str: letters, numbers and underscore. */
const TOKEN_RE = /[\p{L}\p{N}_]+/gu;
export const tokenize = (text: string | null | undefined): string[] => (text ?? '').match(TOKEN_RE) ?? [];

function shingles(text: string, n = 4): Map<string, number> {
  const t = tokenize(text);
  const m = new Map<string, number>();
  // A text of 1..n-1 tokens gives one shorter shingle, an empty one none.
  const last = Math.max(1, t.length - n + 1);
  for (let i = 0; i < last; i++) {
    const sh = t.slice(i, i + n);
    if (sh.length === 0) continue;
    const k = sh.join(' ');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** tp, fp, fn of one page over shingle multisets, divided by their sum so every page weighs the same. */
export function shingleTpFpFn(truth: string, pred: string): [number, number, number] {
  const a = shingles(truth);
  const b = shingles(pred);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [k, tc] of a) {
    const pc = b.get(k) ?? 0;
    tp += Math.min(tc, pc);
    fn += Math.max(0, tc - pc);
    fp += Math.max(0, pc - tc);
  }
  for (const [k, pc] of b) if (!a.has(k)) fp += pc;
  const s = tp + fp + fn;
  return s > 0 ? [tp / s, fp / s, fn / s] : [0, 0, 0];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);

export interface ShingleScore {
  pages: number;
  f1: number;
  precision: number;
  recall: number;
  /** share of pages whose token sequence equals the truth's */
  accuracy: number;
}

/**
 * ScrapingHub's metric: precision is the mean over pages with a non-empty prediction (an empty one only
 * costs recall), recall the mean over pages with a non-empty truth, F1 from those two means.
 */
export function scoreShingle(
  truth: Record<string, TruthPage>,
  pred: Record<string, Prediction | undefined>,
): ShingleScore {
  const ids = Object.keys(truth);
  const rows = ids.map((id) => shingleTpFpFn(truth[id]?.articleBody ?? '', pred[id]?.articleBody ?? ''));
  const precisionOf = ([tp, fp, fn]: number[]) =>
    fp === 0 && fn === 0 ? 1 : tp === 0 && fp === 0 ? 0 : (tp as number) / ((tp as number) + (fp as number));
  const recallOf = ([tp, fp, fn]: number[]) =>
    fp === 0 && fn === 0 ? 1 : tp === 0 && fn === 0 ? 0 : (tp as number) / ((tp as number) + (fn as number));
  const precision = mean(rows.filter(([tp, fp]) => tp + fp > 0).map(precisionOf));
  const recall = mean(rows.filter(([tp, , fn]) => tp + fn > 0).map(recallOf));
  const accuracy = mean(
    ids.map((id) => {
      const a = tokenize(truth[id]?.articleBody);
      const b = tokenize(pred[id]?.articleBody);
      return a.length === b.length && a.every((x, i) => x === b[i]) ? 1 : 0;
    }),
  );
  return {
    pages: ids.length,
    f1: (2 * precision * recall) / (precision + recall),
    precision,
    recall,
    accuracy,
  };
}

/** WCXB's per-page bag-of-words P, R, F1 on lower-cased tokens; an empty prediction scores 0. */
export function wordPRF(pred: string | undefined, truth: string | undefined): [number, number, number] {
  const p = tokenize((pred ?? '').toLowerCase());
  const t = tokenize((truth ?? '').toLowerCase());
  if (!t.length) return p.length ? [0, 0, 0] : [1, 1, 1];
  if (!p.length) return [0, 0, 0];
  const c = new Map<string, number>();
  for (const w of t) c.set(w, (c.get(w) ?? 0) + 1);
  let overlap = 0;
  for (const w of p) {
    const k = c.get(w);
    if (k) {
      overlap++;
      c.set(w, k - 1);
    }
  }
  const P = overlap / p.length;
  const R = overlap / t.length;
  return [P, R, P + R > 0 ? (2 * P * R) / (P + R) : 0];
}

function snippetRate(text: string | undefined, snippets: string[] | undefined): number {
  if (!snippets?.length) return 1;
  const lo = (text ?? '').toLowerCase();
  return snippets.filter((x) => lo.includes(String(x).toLowerCase())).length / snippets.length;
}

const norm = (x: unknown) => (x == null ? '' : String(x)).toLowerCase().replace(/\s+/g, ' ').trim();

export interface WcxbAggregate {
  pages: number;
  f1: number;
  precision: number;
  recall: number;
  /** share of must-include snippets found (higher is better) */
  with: number;
  /** share of boilerplate snippets found (lower is better) */
  without: number;
}

export interface WcxbScore extends WcxbAggregate {
  byType: Record<string, WcxbAggregate>;
  titleMatch?: number;
  authorMatch?: number;
  dateMatch?: number;
}

/** WCXB's metric: plain means over pages, overall and per page type, plus metadata exact-match rates. */
export function scoreWcxb(
  truth: Record<string, TruthPage>,
  pred: Record<string, Prediction | undefined>,
): WcxbScore {
  const rows = Object.keys(truth).map((id) => {
    const t = truth[id] as TruthPage;
    const p = pred[id] ?? { articleBody: '' };
    const [P, R, F] = wordPRF(p.articleBody, t.articleBody);
    return {
      type: t.type ?? 'article',
      P,
      R,
      F,
      withR: snippetRate(p.articleBody, t.with),
      withoutR: snippetRate(p.articleBody, t.without),
      title: p.title !== undefined ? Number(norm(p.title) === norm(t.title)) : undefined,
      author: p.author !== undefined ? Number(norm(p.author) === norm(t.author)) : undefined,
      date:
        p.date !== undefined ? Number(norm(p.date).slice(0, 10) === norm(t.date).slice(0, 10)) : undefined,
    };
  });
  const agg = (rs: typeof rows): WcxbAggregate => ({
    pages: rs.length,
    f1: mean(rs.map((r) => r.F)),
    precision: mean(rs.map((r) => r.P)),
    recall: mean(rs.map((r) => r.R)),
    with: mean(rs.map((r) => r.withR)),
    without: mean(rs.map((r) => r.withoutR)),
  });
  const out: WcxbScore = { ...agg(rows), byType: {} };
  for (const type of [...new Set(rows.map((r) => r.type))].sort())
    out.byType[type] = agg(rows.filter((r) => r.type === type));
  const rate = (k: 'title' | 'author' | 'date') => {
    const v = rows.map((r) => r[k]).filter((x): x is number => x !== undefined);
    return v.length ? mean(v) : undefined;
  };
  const titleMatch = rate('title');
  const authorMatch = rate('author');
  const dateMatch = rate('date');
  if (titleMatch !== undefined) out.titleMatch = titleMatch;
  if (authorMatch !== undefined) out.authorMatch = authorMatch;
  if (dateMatch !== undefined) out.dateMatch = dateMatch;
  return out;
}

/** Sward's extractor as the benchmarks see it: main text, plus title, author and date for WCXB's matches. */
export function swardExtractor(html: string, url: string | undefined): Prediction {
  const d = extract(html, { url });
  return { articleBody: d.text, title: d.title, author: d.author, date: d.published };
}

/** Runs an extractor over every page of a set; a page it throws on counts as an empty prediction. */
export function predictSet(
  ds: ExtractionSet,
  extractor: (html: string, url: string | undefined) => Prediction,
): Record<string, Prediction> {
  const pred: Record<string, Prediction> = {};
  for (const id of ds.ids) {
    try {
      pred[id] = extractor(ds.html(id), ds.truth[id]?.url);
    } catch (e) {
      if (e instanceof EvalDataError) throw e;
      pred[id] = { articleBody: '' };
    }
  }
  return pred;
}

/** A published prediction file ({version, output: {id: {articleBody}}} or {id: {articleBody}}). */
export function loadPredictions(file: string): Record<string, Prediction> {
  if (!existsSync(file)) throw new EvalDataError(`prediction file not found: ${file}`);
  const d = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const body = (d.output && typeof d.output === 'object' ? d.output : d) as Record<string, unknown>;
  const out: Record<string, Prediction> = {};
  for (const [id, v] of Object.entries(body)) {
    const text = typeof v === 'string' ? v : (v as { articleBody?: unknown } | null)?.articleBody;
    out[id] = { articleBody: typeof text === 'string' ? text : '' };
  }
  return out;
}
