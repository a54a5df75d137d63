import { CoreError } from '../errors.js';
import { emptyRoot, HASH_SIZE, nodeHash } from './hashing.js';
import { checkSize, type LeafRange, type NodeKey, nodeKeyId, perfectSubtrees } from './node-key.js';
import { consistencyRanges, inclusionRanges } from './proof-plan.js';

// Generation is split in two pure steps so storage does one batched read: *Keys lists every stored
// node needed (O(log n), no duplicates since proof ranges are disjoint), assemble* turns the fetched
// hashes, in the same order, into the RFC proof.

/** Hashes fetched for a key list, aligned with it; `undefined` for a node the store lacks. */
export type FetchedHashes = readonly (Uint8Array | undefined)[];

function keysOf(ranges: readonly LeafRange[]): NodeKey[] {
  return ranges.flatMap(([lo, hi]) => perfectSubtrees(lo, hi));
}

function checkInclusion(index: number, size: number): void {
  checkSize('tree size', size);
  checkSize('leaf index', index);
  if (index >= size)
    throw new CoreError('OUT_OF_RANGE', `leaf index ${index} is not below tree size ${size}`);
}

function checkConsistency(m: number, n: number): void {
  checkSize('size1', m);
  checkSize('size2', n);
  if (m === 0) throw new CoreError('OUT_OF_RANGE', 'a consistency proof from the empty tree is meaningless');
  if (m > n) throw new CoreError('OUT_OF_RANGE', `size1 ${m} is larger than size2 ${n}`);
}

/** Folds the fetched hashes of each range's perfect subtrees into the range hashes. */
function assemble(ranges: readonly LeafRange[], hashes: FetchedHashes): Buffer[] {
  const keys = keysOf(ranges);
  if (hashes.length !== keys.length)
    throw new CoreError('MISSING_NODE', `got ${hashes.length} node hashes for ${keys.length} keys`);
  hashes.forEach((h, i) => {
    const key = keys[i] as NodeKey;
    if (h === undefined) throw new CoreError('MISSING_NODE', `store has no node ${nodeKeyId(key)}`);
    if (h.length !== HASH_SIZE)
      throw new CoreError('MISSING_NODE', `node ${nodeKeyId(key)} is ${h.length} bytes, not ${HASH_SIZE}`);
  });
  const out: Buffer[] = [];
  let at = 0;
  for (const [lo, hi] of ranges) {
    const count = perfectSubtrees(lo, hi).length;
    // An imperfect range's hash is its perfect pieces folded from the right (RFC 6962 MTH splits at
    // the largest power of two, which is exactly the first piece).
    let acc: Buffer = Buffer.from(hashes[at + count - 1] as Uint8Array);
    for (let i = at + count - 2; i >= at; i--) acc = nodeHash(hashes[i] as Uint8Array, acc);
    out.push(acc);
    at += count;
  }
  return out;
}

export function inclusionProofKeys(index: number, size: number): NodeKey[] {
  checkInclusion(index, size);
  return keysOf(inclusionRanges(index, size));
}

export function assembleInclusionProof(index: number, size: number, hashes: FetchedHashes): Buffer[] {
  checkInclusion(index, size);
  return assemble(inclusionRanges(index, size), hashes);
}

/** Keys for the consistency proof from size m to n; empty when m === n (the proof is empty). */
export function consistencyProofKeys(m: number, n: number): NodeKey[] {
  checkConsistency(m, n);
  return m === n ? [] : keysOf(consistencyRanges(m, n));
}

export function assembleConsistencyProof(m: number, n: number, hashes: FetchedHashes): Buffer[] {
  checkConsistency(m, n);
  return m === n ? assemble([], hashes) : assemble(consistencyRanges(m, n), hashes);
}

/** Keys for the root at any past size: the perfect subtrees covering [0, size). */
export function rootKeys(size: number): NodeKey[] {
  checkSize('tree size', size);
  return size === 0 ? [] : perfectSubtrees(0, size);
}

export function assembleRoot(size: number, hashes: FetchedHashes): Buffer {
  checkSize('tree size', size);
  if (size === 0) {
    assemble([], hashes);
    return emptyRoot();
  }
  return assemble([[0, size]], hashes)[0] as Buffer;
}

/** The right edge appendPlan needs: the same nodes as the root, largest subtree first. */
export const frontierKeys = rootKeys;
