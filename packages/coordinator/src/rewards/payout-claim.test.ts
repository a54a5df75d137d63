import assert from 'node:assert/strict';
import { test } from 'node:test';
import { merkleTreeOf } from '@sward/core';
import { claimLeaf, verifyClaim } from './payout-claim.js';

test('every claim of a table verifies against its root; any changed field does not', () => {
  const claims = Array.from({ length: 11 }, (_, i) => ({
    epoch: 7,
    account: `op:o${i}`,
    amount: 1000 * i + 1,
  }));
  const tree = merkleTreeOf(claims.map(claimLeaf));
  const root = tree.root.toString('hex');
  for (const [index, c] of claims.entries()) {
    const p = { ...c, index, size: claims.length, proof: tree.proof(index).map((h) => h.toString('hex')) };
    assert.deepEqual(verifyClaim(root, p), { ok: true });
    for (const bad of [
      { amount: c.amount + 1 },
      { account: 'op:else' },
      { epoch: 8 },
      { index: (index + 1) % 11 },
    ])
      assert.equal(verifyClaim(root, { ...p, ...bad }).ok, false, JSON.stringify(bad));
  }
  assert.match(
    (
      verifyClaim('zz', { epoch: 7, account: 'op:o0', amount: 1, index: 0, size: 11, proof: [] }) as {
        reason: string;
      }
    ).reason,
    /64 hex/,
  );
});
