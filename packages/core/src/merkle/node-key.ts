import { CoreError } from '../errors.js';
import { bitLength, isSafeCount } from './bits.js';

/**
 * A stored hash of a complete (perfect) subtree: level 0 = leaf hashes; (level, index) covers leaves
 * [index * 2^level, (index + 1) * 2^level). Once written a node never changes, so it can be cached freely.
 */
export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

export interface StoredNode extends NodeKey {
  readonly hash: Uint8Array;
}

/** A compact text form ("level/index") for maps and SQL IN-lists. */
export function nodeKeyId(key: NodeKey): string {
  return `${key.level}/${key.index}`;
}

/** A half-open leaf range [lo, hi) that is a subtree of the RFC 6962 tree (perfect or not). */
export type LeafRange = readonly [lo: number, hi: number];

/**
 * The perfect subtrees covering [lo, hi), largest first. For every range the RFC tree produces, lo is a
 * multiple of a power of two >= hi - lo, so the pieces are aligned and are stored nodes; the range's
 * hash is their right fold (see foldRange).
 */
export function perfectSubtrees(lo: number, hi: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let start = lo;
  let rest = hi - lo;
  while (rest > 0) {
    const level = bitLength(rest) - 1;
    const width = 2 ** level;
    keys.push({ level, index: start / width });
    start += width;
    rest -= width;
  }
  return keys;
}

export function checkSize(what: string, n: number): void {
  if (!isSafeCount(n)) throw new CoreError('OUT_OF_RANGE', `${what} ${n} is not a non-negative safe integer`);
}
