import { blockFeatures, type Candidate, FEATURE_NAMES } from './block-features.js';
import { BLOCK_WEIGHTS } from './block-weights.js';
import { type Element, isElement } from './dom.js';
import type { PageType, PageTypeName } from './page-type.js';
import { type Block, renderBlocks } from './render.js';
import { step } from './work.js';

// A second look, by a learned model, at which paragraphs of a non-article page are its content. The hand
// rules (content.ts) choose boxes; on listings, collections, products and service pages rules written on
// some sites did not carry over to others (docs/BENCHMARKS.md, sessions 12–13). A logistic regression over
// each paragraph's features (block-features.ts), trained on half of WCXB's development split by
// bench/train-block-model.ts, then drops a kept paragraph it is sure is boilerplate and adds a dropped one
// it is sure is content. Logistic regression by hand: a dot product and a sigmoid, a few lines; a library
// would bring a tensor runtime for that.

/** When the model overrides the rules on one page type: drop a kept block below `drop`, add one above `add`. */
export interface Thresholds {
  drop: number;
  add: number;
}

export interface BlockModel {
  features: readonly string[];
  weights: readonly number[];
  /** The page types the model revises, each with its thresholds; other types keep the rules' choice. */
  types: Partial<Record<PageTypeName, Thresholds>>;
  /** Training only: sees every page's candidates and features (then the rules' choice stands). */
  trace?: (cands: Candidate[], rows: Float64Array[], type: PageType) => void;
}

/** The model trained and shipped with the extractor; its weights are data (block-weights.ts). */
export const SHIPPED_BLOCK_MODEL: BlockModel = {
  features: BLOCK_WEIGHTS.features.split(' '),
  weights: BLOCK_WEIGHTS.weights,
  // weights trained on other features than block-features.ts now writes revise nothing
  types:
    BLOCK_WEIGHTS.features === FEATURE_NAMES.join(' ') ? (BLOCK_WEIGHTS.types as BlockModel['types']) : {},
};

/** The model's probability that a block with features `x` is content. */
export function contentProbability(model: BlockModel, x: Float64Array): number {
  let z = 0;
  for (let i = 0; i < x.length; i++) z += (model.weights[i] ?? 0) * (x[i] as number);
  return 1 / (1 + Math.exp(-z));
}

/**
 * The rules' blocks revised by the model: null when the model does not revise this page type, when a rule
 * block is not among the page's paragraphs (a fallback's text), or when it changes nothing.
 */
export function reviseBlocks(
  body: Element,
  blocks: Block[],
  nodes: Element[],
  type: PageType | undefined,
  model: BlockModel,
): { blocks: Block[]; nodes: Element[] } | null {
  if (!type || !blocks.length) return null;
  const limits = model.types[type.type];
  if (!limits && !model.trace) return null;
  // the rule blocks, by box and text: the page's paragraphs drawn again are new objects
  const ruled = new Map<Element, string[]>();
  for (const b of blocks) ruled.set(b.el, [...(ruled.get(b.el) ?? []), b.text]);
  let matched = 0;
  const cands: Candidate[] = renderBlocks([body]).map((block) => {
    const texts = ruled.get(block.el);
    const at = texts ? texts.indexOf(block.text) : -1;
    if (at >= 0) {
      texts?.splice(at, 1);
      matched++;
    }
    return { block, kept: at >= 0 };
  });
  if (matched !== blocks.length) return null;
  const rows = blockFeatures(cands, nodes, type);
  if (model.trace) {
    model.trace(cands, rows, type);
    return null;
  }
  if (!limits) return null;
  let changed = false;
  const out: Block[] = [];
  cands.forEach((c, i) => {
    const p = contentProbability(model, rows[i] as Float64Array);
    const keep = c.kept ? p >= limits.drop : p > limits.add;
    if (keep !== c.kept) changed = true;
    if (keep) out.push(c.block);
  });
  if (!changed || !out.length) return null;
  return { blocks: out, nodes: outermost(out.map((b) => b.el)) };
}

/** The boxes of `els` not inside another of them, in order: what the Markdown is drawn from. */
function outermost(els: Element[]): Element[] {
  const set = new Set(els);
  const inside = (e: Element) => {
    for (let p = e.parent; p && isElement(p); p = p.parent) {
      step();
      if (set.has(p)) return true;
    }
    return false;
  };
  return [...set].filter((e) => !inside(e));
}
