import { attr, type Element, isElement } from './dom.js';
import { PAGE_TYPES, type PageType } from './page-type.js';
import type { Block } from './render.js';
import { step } from './work.js';

// What the learned block model (block-model.ts) sees of one paragraph of a cleaned page: its text's shape,
// its tag and surroundings, its class/id words hashed into a few buckets, the page's type, and whether the
// hand rules kept it and its neighbours. Cheap on purpose: one climb of at most CLIMB ancestors per block.

/** Ancestors looked at per block (their tags, class/id words, the rules' chosen boxes). */
const CLIMB = 8;
/** Buckets the class/id words of a block's box and its ancestors are hashed into. */
export const HASH_BUCKETS = 64;

// the block's own tag, and the boxes it sits in (within CLIMB), as one-hot features
const TAGS = 'p li h1 h2 h3 h4 h5 h6 td tr dd dt div blockquote pre'.split(' ');
const INSIDE = 'a li table nav aside header footer form article main section'.split(' ');

const NAMES: string[] = [
  'bias',
  'logLen',
  'logWords',
  'linkShare',
  'allLinks',
  'endsSentence',
  'commaRate',
  'digitShare',
  'upperShare',
  'currency',
  'short',
  'repeatedText',
  'kept',
  'prevKept',
  'nextKept',
  'inChosen',
  'hops',
  'position',
  'beforeKept',
  'afterKept',
  'logSiblingsAlike',
  'depth',
  'parentKeptShare',
  'grandKeptShare',
  'keptGap',
  'lenVsKept',
  ...TAGS.map((t) => `tag:${t}`),
  ...INSIDE.map((t) => `in:${t}`),
  ...PAGE_TYPES.map((t) => `type:${t}`),
  ...PAGE_TYPES.map((t) => `kept×${t}`),
  'confidence',
  ...Array.from({ length: HASH_BUCKETS }, (_, i) => `class#${i}`),
];
/** The features' names, in the order `blockFeatures` writes them (the weights file is checked against it). */
export const FEATURE_NAMES: readonly string[] = NAMES;

/** One paragraph of the cleaned page and whether the hand rules kept it. */
export interface Candidate {
  block: Block;
  kept: boolean;
}

const WORDS = /[\p{L}\p{N}_]+/gu;
const CURRENCY = /[$€£¥₹]|\b(usd|eur|gbp)\b/i;
const SENTENCE_END = /[.!?:;)"'”»。]$/;
const CLASS_WORD = /[a-z]{3,}/g;

/** FNV-1a of a word, into a bucket. */
function bucketOf(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return (h >>> 0) % HASH_BUCKETS;
}

/** How many of `e`'s siblings (itself included) share its tag and class: a run of cards or posts. */
function alike(e: Element, cache: Map<Element, number>): number {
  const parent = e.parent;
  if (!parent || !isElement(parent)) return 1;
  const key = `${e.name}.${attr(e, 'class')}`;
  const known = cache.get(e);
  if (known !== undefined) return known;
  let n = 0;
  for (const c of parent.children) if (isElement(c) && `${c.name}.${attr(c, 'class')}` === key) n++;
  for (const c of parent.children)
    if (isElement(c) && `${c.name}.${attr(c, 'class')}` === key) cache.set(c, n);
  return n;
}

/**
 * One feature row per candidate, in FEATURE_NAMES' order. `chosen` are the boxes the rules chose (their
 * blocks are the kept ones, less what pruning and the filters dropped).
 */
export function blockFeatures(cands: Candidate[], chosen: Element[], type: PageType): Float64Array[] {
  const chosenSet = new Set(chosen);
  // the chosen boxes' ancestors, so a block's climb says how far it sits from the content
  const near = new Set<Element>();
  for (const c of chosen)
    for (let p = c.parent, k = 0; p && isElement(p) && k < CLIMB; p = p.parent, k++) {
      step();
      near.add(p);
    }
  const textCount = new Map<string, number>();
  for (const c of cands) textCount.set(c.block.text, (textCount.get(c.block.text) ?? 0) + 1);
  let firstKept = -1;
  let lastKept = -1;
  cands.forEach((c, i) => {
    if (!c.kept) return;
    if (firstKept < 0) firstKept = i;
    lastKept = i;
  });
  const siblings = new Map<Element, number>();
  // how many of the blocks under the same parent (grandparent) box the rules kept: a card or post whose
  // neighbours were kept is likely content too
  const groups = [new Map<unknown, [number, number]>(), new Map<unknown, [number, number]>()];
  const upOf = (e: Element, k: number): unknown => (k === 0 ? e.parent : e.parent?.parent);
  for (const c of cands)
    groups.forEach((g, k) => {
      const key = upOf(c.block.el, k);
      const v = g.get(key) ?? [0, 0];
      v[0] += c.kept ? 1 : 0;
      v[1]++;
      g.set(key, v);
    });
  const keptLens = cands.filter((c) => c.kept).map((c) => c.block.text.length);
  const keptMean = keptLens.length ? keptLens.reduce((a, b) => a + b, 0) / keptLens.length : 1;
  // index distance to the nearest kept block, both ways
  const gap = new Array<number>(cands.length).fill(CLIMB);
  for (let i = 0, last = -1e9; i < cands.length; i++) {
    if (cands[i]?.kept) last = i;
    gap[i] = Math.min(CLIMB, i - last);
  }
  for (let i = cands.length - 1, next = 1e9; i >= 0; i--) {
    if (cands[i]?.kept) next = i;
    gap[i] = Math.min(gap[i] as number, next - i);
  }
  const typeAt = NAMES.indexOf(`type:${type.type}`);
  const keptTypeAt = NAMES.indexOf(`kept×${type.type}`);
  const classAt = NAMES.indexOf('class#0');
  const confidenceAt = NAMES.indexOf('confidence');
  const rows: Float64Array[] = [];
  const n = cands.length;
  for (let i = 0; i < n; i++) {
    const { block, kept } = cands[i] as Candidate;
    const x = new Float64Array(NAMES.length);
    let j = 0;
    const text = block.text;
    const len = text.length;
    const words = text.match(WORDS)?.length ?? 0;
    let digits = 0;
    let upper = 0;
    let commas = 0;
    for (let k = 0; k < len; k++) {
      const ch = text.charCodeAt(k);
      if (ch >= 48 && ch <= 57) digits++;
      else if (ch >= 65 && ch <= 90) upper++;
      else if (ch === 44) commas++;
    }
    x[j++] = 1;
    x[j++] = Math.log1p(len) / 8;
    x[j++] = Math.log1p(words) / 6;
    x[j++] = len ? block.links / len : 0;
    x[j++] = len && block.links >= len * 0.9 ? 1 : 0;
    x[j++] = SENTENCE_END.test(text) ? 1 : 0;
    x[j++] = len ? Math.min(1, (commas * 100) / len / 5) : 0;
    x[j++] = len ? digits / len : 0;
    x[j++] = len ? upper / len : 0;
    x[j++] = CURRENCY.test(text) ? 1 : 0;
    x[j++] = words < 4 ? 1 : 0;
    x[j++] = (textCount.get(text) ?? 0) > 1 ? 1 : 0;
    x[j++] = kept ? 1 : 0;
    x[j++] = cands[i - 1]?.kept ? 1 : 0;
    x[j++] = cands[i + 1]?.kept ? 1 : 0;
    // the block's own box, or an ancestor within CLIMB, was chosen; else how far up it meets the content
    let inChosen = 0;
    let hops = CLIMB;
    const inside = new Set<string>();
    const el = block.el;
    let depth = 0;
    for (let p: Element | null = el, k = 0; p && k <= CLIMB; k++) {
      step();
      if (chosenSet.has(p)) inChosen = 1;
      if (hops === CLIMB && (chosenSet.has(p) || near.has(p))) hops = k;
      if (k > 0) inside.add(p.name);
      for (const w of `${attr(p, 'class')} ${attr(p, 'id')}`.toLowerCase().match(CLASS_WORD) ?? [])
        x[classAt + bucketOf(w)] = 1;
      const up: Element['parent'] = p.parent;
      p = up && isElement(up) ? up : null;
      depth = k;
    }
    x[j++] = inChosen;
    x[j++] = hops / CLIMB;
    x[j++] = n > 1 ? i / (n - 1) : 0;
    x[j++] = firstKept >= 0 && i < firstKept ? 1 : 0;
    x[j++] = lastKept >= 0 && i > lastKept ? 1 : 0;
    x[j++] = Math.log1p(alike(el, siblings)) / 3;
    x[j++] = depth / CLIMB;
    for (const [k, g] of groups.entries()) {
      const v = g.get(upOf(el, k)) ?? [0, 1];
      x[j++] = (v[0] - (kept ? 1 : 0)) / Math.max(1, v[1] - 1);
    }
    x[j++] = (gap[i] as number) / CLIMB;
    x[j++] = Math.max(-1, Math.min(1, Math.log((len + 1) / (keptMean + 1)) / 4));
    for (const t of TAGS) x[j++] = block.tag === t ? 1 : 0;
    for (const t of INSIDE) x[j++] = inside.has(t) ? 1 : 0;
    x[typeAt] = 1;
    if (kept) x[keptTypeAt] = 1;
    x[confidenceAt] = type.confidence;
    rows.push(x);
  }
  return rows;
}
