import { CoreError } from '../errors.js';
import { isPowerOfTwo, isSafeCount, trailingZeros } from './bits.js';
import { hashesEqual, nodeHash } from './hashing.js';
import { checkHash, inclusionProofLength } from './verify-inclusion.js';

function bad(message: string): CoreError {
  return new CoreError('BAD_PROOF', message);
}

const hex = (h: Uint8Array): string => Buffer.from(h).toString('hex');

/** Number of hashes in the RFC 6962 consistency proof from size1 to size2 (0 < size1 < size2). */
export function consistencyProofLength(size1: number, size2: number): number {
  const shift = trailingZeros(size1);
  // Same path as the inclusion proof of leaf size1-1, minus the levels inside the first tree's last
  // perfect subtree, plus that subtree's root unless it is the whole first tree.
  const seed = isPowerOfTwo(size1) ? 0 : 1;
  return seed + inclusionProofLength(size1 - 1, size2) - shift;
}

/**
 * RFC 9162 §2.1.4.2: throws CoreError BAD_PROOF unless `proof` shows the tree of size1 with root1 is a
 * prefix of the tree of size2 with root2. A proof from the empty tree is refused: it proves nothing.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!isSafeCount(size1) || !isSafeCount(size2))
    throw bad(`size1 ${size1} / size2 ${size2} not a safe integer`);
  if (size1 > size2) throw bad(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0) throw bad('a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length > 0) throw bad(`sizes are equal (${size1}) but the proof has ${proof.length} hashes`);
    if (!hashesEqual(root1, root2)) throw bad(`sizes are equal (${size1}) but the roots differ`);
    return;
  }
  checkHash('root1', root1);
  checkHash('root2', root2);
  for (const [i, p] of proof.entries()) checkHash(`proof[${i}]`, p);
  if (proof.length === 0) throw bad(`empty consistency proof from ${size1} to ${size2}`);
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want)
    throw bad(`consistency proof from ${size1} to ${size2} has ${proof.length} hashes, expected ${want}`);

  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) throw bad('consistency proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw bad('consistency proof is shorter than the path to the root');
  if (!hashesEqual(fr, root1))
    throw bad(`consistency proof gives first root ${fr.toString('hex')}, expected ${hex(root1)}`);
  if (!hashesEqual(sr, root2))
    throw bad(`consistency proof gives second root ${sr.toString('hex')}, expected ${hex(root2)}`);
}
