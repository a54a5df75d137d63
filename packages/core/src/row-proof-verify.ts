import { parseSignedCaptureWith, verifiedCaptureLeaf } from './capture-leaf.js';
import { signedCaptureSchema } from './capture-schema.js';
import { CoreError } from './errors.js';
import { openCheckpoint } from './merkle/checkpoint.js';
import { leafHash } from './merkle/hashing.js';
import { parseVerifierKey } from './merkle/note-keys.js';
import { verifyInclusion } from './merkle/verify-inclusion.js';
import type { RowProof } from './proof-wire.js';

export type RowProofStep = 'signature' | 'checkpoint' | 'inclusion';

export interface RowProofCheck {
  step: RowProofStep;
  ok: boolean;
  /** What was checked, or why it failed (the CoreError's message). */
  detail: string;
}

/**
 * Checks one row's proof (GET /v1/proofs) step by step, offline, with the log's verifier key: the node's
 * signature over the capture, the checkpoint's signature by the log key, and the inclusion of the row's
 * leaf under the checkpoint's root. Every step is run and reported, so a reader sees which one fails.
 * The console runs this same module in the browser (packages/web bundles it with node:crypto's few
 * primitives mapped onto @noble/hashes and @noble/curves).
 */
export function verifyRowProof(proof: RowProof, logVerifierKey: string): RowProofCheck[] {
  const checks: RowProofCheck[] = [];
  const run = <T>(step: RowProofStep, what: string, fn: () => T): T | undefined => {
    try {
      const out = fn();
      checks.push({ step, ok: true, detail: what });
      return out;
    } catch (e) {
      if (!(e instanceof CoreError) && !(e instanceof TypeError)) throw e;
      checks.push({ step, ok: false, detail: e.message });
      return undefined;
    }
  };
  const signed = run('signature', 'the node signed this capture', () =>
    verifiedCaptureLeaf(parseSignedCaptureWith(signedCaptureSchema, proof.record)),
  );
  const cp = run('checkpoint', 'the log key signed the checkpoint', () =>
    openCheckpoint(proof.checkpoint.note, [parseVerifierKey(logVerifierKey)]),
  );
  run('inclusion', `leaf ${proof.leafIndex} is in the tree of ${cp?.checkpoint.size ?? '?'}`, () => {
    if (!signed) throw new CoreError('BAD_PROOF', 'no leaf: the signed capture did not verify');
    if (!cp) throw new CoreError('BAD_PROOF', 'no root: the checkpoint did not verify');
    const proofHashes = proof.inclusionProof.map((h) => Buffer.from(h, 'base64'));
    verifyInclusion(
      leafHash(signed.leafBytes),
      proof.leafIndex,
      cp.checkpoint.size,
      proofHashes,
      cp.checkpoint.rootHash,
    );
  });
  return checks;
}
