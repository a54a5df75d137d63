import { CoreError } from '../errors.js';
import { emptyRoot, nodeHash } from './hashing.js';

// In-memory RFC 6962 trees for small lists (epoch payouts). Pairing each level left to right and
// carrying an odd last node up unchanged builds exactly the RFC tree (its split is always the largest
// power of two), so the root and paths match verifyInclusion.

export interface MerkleTree {
  readonly size: number;
  readonly root: Buffer;
  /** Audit path of leaf `index`, leaf-to-root: O(log n) once the tree is built. */
  proof(index: number): Buffer[];
}

function levelsOf(leafHashes: readonly Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [leafHashes.slice()];
  let row = levels[0] as Uint8Array[];
  while (row.length > 1) {
    const up: Uint8Array[] = new Array(Math.ceil(row.length / 2));
    for (let i = 0; i + 1 < row.length; i += 2)
      up[i / 2] = nodeHash(row[i] as Uint8Array, row[i + 1] as Uint8Array);
    if (row.length % 2 === 1) up[up.length - 1] = row[row.length - 1] as Uint8Array;
    levels.push(up);
    row = up;
  }
  return levels;
}

function checkIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new CoreError('OUT_OF_RANGE', `leaf index ${index} is not below list size ${size}`);
}

/** Builds all levels once (n - 1 hashes); use it to hand out many proofs. */
export function merkleTreeOf(leafHashes: readonly Uint8Array[]): MerkleTree {
  const levels = levelsOf(leafHashes);
  const size = leafHashes.length;
  const top = levels[levels.length - 1]?.[0];
  return {
    size,
    root: size === 0 ? emptyRoot() : Buffer.from(top as Uint8Array),
    proof(index: number): Buffer[] {
      checkIndex(index, size);
      const path: Buffer[] = [];
      let i = index;
      for (const row of levels) {
        const sibling = i % 2 === 1 ? row[i - 1] : row[i + 1];
        if (sibling !== undefined) path.push(Buffer.from(sibling));
        i = Math.floor(i / 2);
      }
      return path;
    },
  };
}

export function merkleRootOf(leafHashes: readonly Uint8Array[]): Buffer {
  return merkleTreeOf(leafHashes).root;
}

export function inclusionProofOf(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  checkIndex(index, leafHashes.length);
  return merkleTreeOf(leafHashes).proof(index);
}
