import { CoreError } from '../errors.js';
import { bitLength, isSafeCount, popCount, xor } from './bits.js';
import { HASH_SIZE, hashesEqual, isHashBase64, nodeHash, nodeHashBase64 } from './hashing.js';

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

/** A verified walk: per level (halvings so far) the walk's position, hash (base64) and how many proof elements remain. */
interface Trail {
  root: string;
  rootBytes: Buffer;
  proof: readonly string[];
  fn: number[];
  hash: string[];
  rest: number[];
}

/** One step of a walk in progress, kept so a verified walk can become the trail. */
interface Step {
  level: number;
  fn: number;
  hash: string;
  rest: number;
}

const decode = (text: string): Buffer => Buffer.from(text, 'base64');
const base64 = (hash: Uint8Array): string =>
  Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('base64');

/**
 * verifyInclusion over many proofs of one tree, for proofs carried as base64 text (as bundles carry them),
 * reusing what neighbouring leaves share: a proof bundle lists leaves in order, and their paths to the root
 * differ only near the bottom.
 *
 * Once a proof verifies, every hash its walk computed is authenticated under the root. The walk state
 * after each step (RFC 9162 §2.1.3.2) is fixed by the tree size, the level and `fn`; if the next proof's
 * walk reaches a state of the verified walk with the same hash and the same remaining proof elements (as
 * text, so they are not even decoded), the rest of its walk is the verified one, and it stops there. Any
 * proof this does not accept is re-run by verifyInclusion, so a bad proof fails with verifyInclusion's
 * error, and the result is always verifyInclusion's.
 *
 * The walk keeps hashes as base64 text (hashing.ts nodeHashBase64): a hash returned as a Buffer costs
 * several times the hashing of 65 bytes. Text compares as bytes do when both sides are in the one form
 * Buffer#toString gives, which computed hashes always are; a proof element in another form (unpadded, say)
 * stops the walk, and verifyInclusion decides.
 */
export class InclusionVerifier {
  private readonly trails = new Map<number, Trail>();

  /** Throws CoreError BAD_PROOF unless `proof` (base64) shows `leafHash` at `index` under `root`. */
  verify(
    leafHash: Uint8Array,
    index: number,
    size: number,
    proof: readonly string[],
    root: Uint8Array,
  ): void {
    this.verifyBase64(base64(leafHash), index, size, proof, root);
  }

  /** verify with the leaf hash as base64 text (hashing.ts sha256Base64), as the bundle verifier has it. */
  verifyBase64(
    leafHash: string,
    index: number,
    size: number,
    proof: readonly string[],
    root: Uint8Array,
  ): void {
    if (!this.walk(leafHash, index, size, proof, root))
      verifyInclusion(decode(leafHash), index, size, proof.map(decode), root);
  }

  /** True when the proof verifies; false for anything else, left to verifyInclusion to name. */
  private walk(
    leafHash: string,
    index: number,
    size: number,
    proof: readonly string[],
    root: Uint8Array,
  ): boolean {
    if (!isSafeCount(index) || !isSafeCount(size) || index >= size) return false;
    if (!isHashBase64(leafHash) || root.length !== HASH_SIZE) return false;
    if (proof.length !== inclusionProofLength(index, size)) return false;
    const known = this.trails.get(size);
    const rootText = known && hashesEqual(known.rootBytes, root) ? known.root : base64(root);
    const trail = known?.root === rootText ? known : undefined;
    const steps: Step[] = [];
    let fn = index;
    let sn = size - 1;
    let level = 0;
    let r = leafHash;
    for (let k = 0; k < proof.length; k++) {
      if (sn === 0) return false;
      const p = proof[k] as string;
      let next: string | null;
      if (fn % 2 === 1 || fn === sn) {
        next = nodeHashBase64(p, r);
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
          level++;
        }
      } else {
        next = nodeHashBase64(r, p);
      }
      if (next === null) return false;
      r = next;
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
      level++;
      const rest = proof.length - k - 1;
      steps.push({ level, fn, hash: r, rest });
      if (trail && joins(trail, level, fn, r, proof, rest)) {
        this.extend(trail, proof, steps);
        return true;
      }
    }
    if (sn !== 0 || r !== rootText) return false;
    const fresh: Trail = { root: rootText, rootBytes: Buffer.from(root), proof, fn: [], hash: [], rest: [] };
    this.extend(fresh, proof, steps);
    this.trails.set(size, fresh);
    return true;
  }

  /** The trail now follows `proof`: its own steps up to the join, the old trail's above it. */
  private extend(trail: Trail, proof: readonly string[], steps: readonly Step[]): void {
    const top = steps[steps.length - 1]?.level ?? 0;
    // Old entries at or below the join belong to the previous proof's own elements: drop them.
    for (let l = 0; l <= top; l++) trail.fn[l] = -1;
    for (const s of steps) {
      trail.fn[s.level] = s.fn;
      trail.hash[s.level] = s.hash;
      trail.rest[s.level] = s.rest;
    }
    trail.proof = proof;
  }
}

/** Whether the walk at (level, fn) with hash r and `rest` elements left is at a state of the verified trail. */
function joins(
  trail: Trail,
  level: number,
  fn: number,
  r: string,
  proof: readonly string[],
  rest: number,
): boolean {
  if (trail.fn[level] !== fn || trail.rest[level] !== rest || trail.hash[level] !== r) return false;
  const a = proof.length - rest;
  const b = trail.proof.length - rest;
  for (let j = 0; j < rest; j++) if (proof[a + j] !== trail.proof[b + j]) return false;
  return true;
}
