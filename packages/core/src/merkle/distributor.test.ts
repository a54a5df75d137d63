import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { inclusionProofOf, merkleRootOf, merkleTreeOf } from './distributor.js';
import { emptyRoot, leafHash } from './hashing.js';
import { InMemoryNodeStore } from './node-store.js';
import { appendLeaves, readInclusionProof } from './proof-reader.js';
import { verifyInclusion } from './verify-inclusion.js';

const payouts = (n: number) =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`account-${i}:${i * 7}`)));

test('payout tree roots and proofs equal the log tree for the same leaves', async () => {
  for (const n of [1, 2, 3, 5, 8, 13, 100, 257]) {
    const leaves = payouts(n);
    const store = new InMemoryNodeStore();
    const { root } = await appendLeaves(store, 0, leaves);
    const tree = merkleTreeOf(leaves);
    assert.deepEqual(tree.root, root, `root of ${n}`);
    assert.deepEqual(merkleRootOf(leaves), root);
    for (let i = 0; i < n; i++) {
      const proof = tree.proof(i);
      assert.deepEqual(proof, await readInclusionProof(store, i, n), `proof ${i}/${n}`);
      verifyInclusion(leaves[i] as Buffer, i, n, proof, root);
    }
    assert.deepEqual(inclusionProofOf(leaves, n - 1), tree.proof(n - 1));
  }
});

test('empty list has the empty root and no proofs', () => {
  assert.deepEqual(merkleRootOf([]), emptyRoot());
  assert.throws(
    () => inclusionProofOf([], 0),
    (e: unknown) => e instanceof CoreError && e.code === 'OUT_OF_RANGE',
  );
});

test('a list just past 2^12: one build, then proofs on both sides of the split verify', () => {
  const leaves = payouts(4099);
  const tree = merkleTreeOf(leaves);
  for (const i of [0, 1, 4095, 4096, 4097, 4098])
    verifyInclusion(leaves[i] as Buffer, i, leaves.length, tree.proof(i), tree.root);
});
