import { CoreError } from '../errors.js';
import { bitLength, isSafeCount, popCount, xor } from './bits.js';
import { HASH_SIZE, hashBase64, hashesEqual, isHashBase64, nodeHash, nodeHashBase64 } from './hashing.js';

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

/**
 * A verified walk. By level (halvings so far): the state after each step (position `fn`, hash, proof
 * elements left), and where each step's node met its sibling (Meet); every hash base64.
 */
interface Trail {
  root: string;
  rootBytes: Buffer;
  proof: readonly string[];
  fn: number[];
  hash: string[];
  rest: number[];
  /** Where the walk's node met its sibling, by level: the node's position, its hash, the sibling's hash. */
  meetFn: number[];
  node: string[];
  elem: string[];
  meetRest: number[];
}

/** One step of a walk in progress: the state after it, kept so a verified walk can become the trail. */
interface Step {
  level: number;
  fn: number;
  hash: string;
  rest: number;
}

/** Where a step's node (position fn at `level`, hash `node`) meets its sibling, the proof element `elem`. */
interface Meet {
  level: number;
  fn: number;
  node: string;
  elem: string;
  /** Proof elements left after this step. */
  rest: number;
}

const decode = (text: string): Buffer => Buffer.from(text, 'base64');

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
    this.verifyBase64(hashBase64(leafHash), index, size, proof, root);
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
    const rootText = known && hashesEqual(known.rootBytes, root) ? known.root : hashBase64(root);
    const trail = known?.root === rootText ? known : undefined;
    const steps: Step[] = [];
    const meets: Meet[] = [];
    let fn = index;
    let sn = size - 1;
    let level = 0;
    let r = leafHash;
    for (let k = 0; k < proof.length; k++) {
      if (sn === 0) return false;
      const p = proof[k] as string;
      const rest = proof.length - k - 1;
      // The node is the right child (the element on its left) when fn is odd, or lifted until it is.
      const right = fn % 2 === 1 || fn === sn;
      if (right)
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
          level++;
        }
      // A node lifted to position 0 has no sibling; such a step is only hashed.
      if (!right || fn % 2 === 1) {
        const meet = { level, fn, node: r, elem: p, rest };
        meets.push(meet);
        if (trail && meetsSibling(trail, meet, proof)) {
          this.extend(trail, proof, steps, meets, level + 1);
          return true;
        }
      }
      const next = right ? nodeHashBase64(p, r) : nodeHashBase64(r, p);
      if (next === null) return false;
      r = next;
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
      level++;
      steps.push({ level, fn, hash: r, rest });
      if (trail && joins(trail, level, fn, r, proof, rest)) {
        this.extend(trail, proof, steps, meets, level);
        return true;
      }
    }
    if (sn !== 0 || r !== rootText) return false;
    const fresh: Trail = {
      root: rootText,
      rootBytes: Buffer.from(root),
      proof,
      fn: [],
      hash: [],
      rest: [],
      meetFn: [],
      node: [],
      elem: [],
      meetRest: [],
    };
    this.extend(fresh, proof, steps, meets, level);
    this.trails.set(size, fresh);
    return true;
  }

  /**
   * The trail now follows `proof`: below level `at`, where the two walks became one, its own steps and
   * meetings; from `at` up, the old trail's (the same hashes and the same remaining elements).
   */
  private extend(
    trail: Trail,
    proof: readonly string[],
    steps: readonly Step[],
    meets: readonly Meet[],
    at: number,
  ): void {
    // Old entries below the join belong to the previous proof's own elements: drop them.
    for (let l = 0; l < at; l++) {
      trail.fn[l] = -1;
      trail.meetFn[l] = -1;
    }
    for (const s of steps) {
      trail.fn[s.level] = s.fn;
      trail.hash[s.level] = s.hash;
      trail.rest[s.level] = s.rest;
    }
    for (const m of meets) {
      trail.meetFn[m.level] = m.fn;
      trail.node[m.level] = m.node;
      trail.elem[m.level] = m.elem;
      trail.meetRest[m.level] = m.rest;
    }
    trail.proof = proof;
  }
}

/**
 * Whether the walk's node is the sibling the verified trail met at this level: the trail's node is this
 * walk's proof element and the trail's element is this walk's node, so both hash the same two children in
 * the same order into the same parent, and with the same remaining elements they walk on alike. A proof
 * in log order meets the previous leaf's path this way one level below where the two paths join.
 */
function meetsSibling(trail: Trail, m: Meet, proof: readonly string[]): boolean {
  const sibling = m.fn % 2 === 1 ? m.fn - 1 : m.fn + 1;
  if (trail.meetFn[m.level] !== sibling || trail.meetRest[m.level] !== m.rest) return false;
  if (trail.elem[m.level] !== m.node || trail.node[m.level] !== m.elem) return false;
  return sameTail(trail, proof, m.rest);
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
  return sameTail(trail, proof, rest);
}

/** Whether the last `rest` elements of `proof` are the trail's (as text). */
function sameTail(trail: Trail, proof: readonly string[], rest: number): boolean {
  const a = proof.length - rest;
  const b = trail.proof.length - rest;
  for (let j = 0; j < rest; j++) if (proof[a + j] !== trail.proof[b + j]) return false;
  return true;
}
