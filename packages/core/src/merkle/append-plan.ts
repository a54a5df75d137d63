import { CoreError } from '../errors.js';
import { HASH_SIZE, nodeHash } from './hashing.js';
import { checkSize, type StoredNode } from './node-key.js';
import { assembleRoot, type FetchedHashes, frontierKeys } from './proof-keys.js';

export interface AppendPlan {
  /** Tree size after the append. */
  readonly size: number;
  readonly root: Buffer;
  /** Every node that became complete, leaves included, in creation order: write them in one batch. */
  readonly nodes: StoredNode[];
  /** The new right edge, aligned with frontierKeys(size): feed it to the next appendPlan to skip a read. */
  readonly frontier: Buffer[];
}

/**
 * Plans appending `leafHashes` to a tree of `oldSize` whose right edge (hashes for frontierKeys(oldSize),
 * at most log2(oldSize)+1 of them) was fetched in one read. Pure: the caller writes `nodes` in one batch.
 * Each leaf costs one hash on average (a leaf at an odd position completes a parent, and so on up).
 */
export function appendPlan(
  oldSize: number,
  leafHashes: readonly Uint8Array[],
  frontier: FetchedHashes,
): AppendPlan {
  checkSize('tree size', oldSize);
  const edgeKeys = frontierKeys(oldSize);
  if (frontier.length !== edgeKeys.length)
    throw new CoreError(
      'MISSING_NODE',
      `frontier of size ${oldSize} needs ${edgeKeys.length} hashes, got ${frontier.length}`,
    );
  const stack: Buffer[] = frontier.map((h, i) => {
    if (h?.length !== HASH_SIZE)
      throw new CoreError('MISSING_NODE', `frontier hash ${i} of size ${oldSize} is missing or not 32 bytes`);
    return Buffer.from(h);
  });
  const newSize = oldSize + leafHashes.length;
  checkSize('new tree size', newSize);

  const nodes: StoredNode[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    const leaf = leafHashes[i] as Uint8Array;
    if (leaf.length !== HASH_SIZE)
      throw new CoreError('INVALID_SCHEMA', `leaf hash ${i} is ${leaf.length} bytes, expected ${HASH_SIZE}`);
    let index = oldSize + i;
    let level = 0;
    let hash: Buffer = Buffer.from(leaf);
    nodes.push({ level, index, hash });
    // A right child completes its parent; the left sibling is the top of the stack.
    while (index % 2 === 1) {
      hash = nodeHash(stack.pop() as Buffer, hash);
      index = (index - 1) / 2;
      level++;
      nodes.push({ level, index, hash });
    }
    stack.push(hash);
  }
  return { size: newSize, root: assembleRoot(newSize, stack), nodes, frontier: stack };
}
