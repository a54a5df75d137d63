import { CoreError } from '../errors.js';
import { bitLength, isSafeCount, popCount, xor } from './bits.js';
import { HASH_SIZE, hashesEqual, nodeHash } from './hashing.js';

function bad(message: string): CoreError {
  return new CoreError('BAD_PROOF', message);
}

export function checkHash(what: string, hash: Uint8Array): void {
  if (hash.length !== HASH_SIZE) throw bad(`${what} is ${hash.length} bytes, expected ${HASH_SIZE}`);
}

/** Proof length for a leaf: siblings below the point where its path leaves the right edge, plus border nodes. */
export function inclusionProofLength(index: number, size: number): number {
  const inner = bitLength(xor(index, size - 1));
  return inner + popCount(Math.floor(index / 2 ** inner));
}

/**
 * Root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1-4). Throws BAD_PROOF when the proof is
 * malformed for (index, size); a well-formed proof of the wrong leaf just gives a different root.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Buffer {
  if (!isSafeCount(index) || !isSafeCount(size))
    throw bad(`index ${index} / size ${size} not a safe integer`);
  if (index >= size) throw bad(`leaf index ${index} is not below tree size ${size}`);
  checkHash('leaf hash', leafHash);
  for (const [i, p] of proof.entries()) checkHash(`proof[${i}]`, p);
  const want = inclusionProofLength(index, size);
  if (proof.length !== want)
    throw bad(`inclusion proof for leaf ${index} of ${size} has ${proof.length} hashes, expected ${want}`);

  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw bad('inclusion proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw bad('inclusion proof is shorter than the path to the root');
  return r;
}

/** RFC 9162 §2.1.3.2: throws CoreError BAD_PROOF unless `proof` shows `leafHash` at `index` under `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash('root', root);
  const got = rootFromInclusionProof(leafHash, index, size, proof);
  if (!hashesEqual(got, root))
    throw bad(
      `inclusion proof for leaf ${index} of ${size} gives root ${got.toString('hex')}, expected ${Buffer.from(root).toString('hex')}`,
    );
}
