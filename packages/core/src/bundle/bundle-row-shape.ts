import type { BundlePageRow } from './bundle-format.js';

/*
 * A hand-written check of bundlePageRowSchema for the verifier's hot path (one call per row): it accepts
 * only rows the schema accepts, with the schema's own tests (its base64 expression, Number.isSafeInteger
 * as zod's int()); a row it refuses goes to the schema, which accepts it or words the error. The schema's
 * objects are not strict: zod returns a copy without unknown keys, this returns the row itself with them,
 * and the verifier reads only the schema's fields. bundle-row-shape.test.ts checks on random and mutated
 * rows, one by one and in sequences, that this never accepts what the schema refuses.
 */

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

const isCount = (x: unknown, min: number): boolean => Number.isSafeInteger(x) && (x as number) >= min;

/**
 * isBundlePageRowShape for rows one after the other. Rows in log order share most of their inclusion
 * proofs (the upper levels), and comparing text costs a third of the base64 expression: an element equal
 * to the one at the same place in the last accepted proof is not tested again (equal text, same verdict;
 * the last proof is a copy, so no later change to a row's array can vouch for anything).
 */
export class RowShapeCheck {
  /** A copy of the last accepted proof, refilled in place (no array made per row). */
  private readonly lastProof: string[] = [];

  /** True only when bundlePageRowSchema accepts `x` (see above). */
  accepts(x: unknown): x is BundlePageRow {
    if (!isObject(x)) return false;
    if (typeof x.url !== 'string' || typeof x.finalUrl !== 'string' || typeof x.bodySha256 !== 'string')
      return false;
    if (!Number.isSafeInteger(x.status) || !Number.isSafeInteger(x.bodyLength)) return false;
    if (typeof x.blobPath !== 'string' || typeof x.captureId !== 'string' || typeof x.nodeId !== 'string')
      return false;
    if (x.bodyOffset !== undefined && !isCount(x.bodyOffset, 0)) return false;
    return x.signedCapture !== undefined && this.isProvenance(x.provenance);
  }

  private isProvenance(x: unknown): boolean {
    if (!isObject(x) || !isCount(x.leafIndex, 0) || !isCount(x.checkpointSize, 1)) return false;
    const proof = x.inclusionProof;
    if (!Array.isArray(proof) || proof.length > 64) return false;
    const last = this.lastProof;
    for (let i = 0; i < proof.length; i++) {
      const h: unknown = proof[i];
      if (typeof h !== 'string' || (h !== last[i] && !B64.test(h))) return false;
    }
    last.length = proof.length;
    for (let i = 0; i < proof.length; i++) last[i] = proof[i] as string;
    return true;
  }
}
