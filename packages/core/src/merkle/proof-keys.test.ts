import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { seededRandom } from '../seeded-random.js';
import { appendPlan } from './append-plan.js';
import { emptyRoot, leafHash, nodeHash } from './hashing.js';
import { InMemoryNodeStore } from './node-store.js';
import {
  assembleConsistencyProof,
  assembleInclusionProof,
  consistencyProofKeys,
  inclusionProofKeys,
  rootKeys,
} from './proof-keys.js';
import { readConsistencyProof, readInclusionProof, readRoot } from './proof-reader.js';
import { verifyConsistency } from './verify-consistency.js';
import { verifyInclusion } from './verify-inclusion.js';

// A naive RFC 6962 §2.1 reference, written straight from the definitions (MTH, PATH, SUBPROOF) over
// leaf-hash ranges. MTH is memoised per range so the property runs stay fast; the recursion is the RFC's.
function reference(leaves: readonly Buffer[]) {
  const memo = new Map<string, Buffer>();
  const k = (n: number): number => {
    let p = 1;
    while (p * 2 < n) p *= 2;
    return p;
  };
  const mth = (lo: number, hi: number): Buffer => {
    const id = `${lo}:${hi}`;
    let h = memo.get(id);
    if (h === undefined) {
      if (hi - lo === 0) h = emptyRoot();
      else if (hi - lo === 1) h = leaves[lo] as Buffer;
      else h = nodeHash(mth(lo, lo + k(hi - lo)), mth(lo + k(hi - lo), hi));
      memo.set(id, h);
    }
    return h;
  };
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    if (hi - lo <= 1) return [];
    const s = k(hi - lo);
    return m < s ? [...path(m, lo, lo + s), mth(lo + s, hi)] : [...path(m - s, lo + s, hi), mth(lo, lo + s)];
  };
  const subproof = (m: number, lo: number, hi: number, b: boolean): Buffer[] => {
    if (m === hi - lo) return b ? [] : [mth(lo, hi)];
    const s = k(hi - lo);
    return m <= s
      ? [...subproof(m, lo, lo + s, b), mth(lo + s, hi)]
      : [...subproof(m - s, lo + s, hi, false), mth(lo, lo + s)];
  };
  return {
    root: (n: number) => mth(0, n),
    inclusion: (m: number, n: number) => path(m, 0, n),
    consistency: (m: number, n: number) => subproof(m, 0, n, true),
  };
}

function buildStore(
  n: number,
  batch: (done: number) => number,
): { store: InMemoryNodeStore; leaves: Buffer[] } {
  const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
  const store = new InMemoryNodeStore();
  for (let done = 0; done < n; ) {
    const take = Math.min(n - done, batch(done));
    const plan = appendPlan(done, leaves.slice(done, done + take), store.readNodes(rootKeys(done)));
    store.writeNodes(plan.nodes);
    done += take;
  }
  return { store, leaves };
}

const hexes = (hs: readonly Uint8Array[]): string[] => hs.map((h) => Buffer.from(h).toString('hex'));

test('every proof for every (index, size) and (m, n) up to 40 leaves equals the RFC reference', async () => {
  const { store, leaves } = buildStore(40, () => 1);
  const ref = reference(leaves);
  for (let n = 0; n <= 40; n++) {
    const root = await readRoot(store, n);
    assert.deepEqual(root, ref.root(n), `root ${n}`);
    for (let m = 0; m < n; m++) {
      const proof = await readInclusionProof(store, m, n);
      assert.deepEqual(hexes(proof), hexes(ref.inclusion(m, n)), `inclusion ${m}/${n}`);
      verifyInclusion(leaves[m] as Buffer, m, n, proof, root);
    }
    for (let m = 1; m <= n; m++) {
      const proof = await readConsistencyProof(store, m, n);
      assert.deepEqual(hexes(proof), hexes(m === n ? [] : ref.consistency(m, n)), `consistency ${m}->${n}`);
      verifyConsistency(m, n, proof, ref.root(m), root);
    }
  }
});

test('sampled proofs at random sizes up to 5000, built in random batches, match the reference', async () => {
  const rand = seededRandom(6962);
  const int = (below: number) => Math.floor(rand() * below);
  const { store, leaves } = buildStore(5000, () => 1 + int(700));
  const ref = reference(leaves);
  for (let round = 0; round < 40; round++) {
    const n = 1 + int(5000);
    const root = await readRoot(store, n);
    assert.deepEqual(root, ref.root(n), `root ${n}`);
    // Edges first (first/last leaf, power-of-two neighbours), then random picks.
    const picks = [0, n - 1, Math.floor(n / 2), ...Array.from({ length: 25 }, () => int(n))];
    for (const m of picks) {
      const proof = await readInclusionProof(store, m, n);
      assert.deepEqual(hexes(proof), hexes(ref.inclusion(m, n)), `inclusion ${m}/${n}`);
      verifyInclusion(leaves[m] as Buffer, m, n, proof, root);
      const m1 = m + 1;
      const cproof = await readConsistencyProof(store, m1, n);
      assert.deepEqual(
        hexes(cproof),
        hexes(m1 === n ? [] : ref.consistency(m1, n)),
        `consistency ${m1}->${n}`,
      );
      verifyConsistency(m1, n, cproof, ref.root(m1), root);
    }
  }
});

test('a proof costs one batched read of at most ~2 log2(n) stored nodes', async () => {
  const { store } = buildStore(3000, () => 1000);
  let worst = 0;
  for (const [m, n] of [
    [0, 3000],
    [2999, 3000],
    [1234, 2047],
    [1025, 2999],
    [1, 3000],
  ] as const) {
    const before = store.reads;
    await readInclusionProof(store, m, n);
    await readConsistencyProof(store, m + 1, n);
    assert.equal(store.reads - before, 2);
    worst = Math.max(worst, inclusionProofKeys(m, n).length, consistencyProofKeys(m + 1, n).length);
  }
  assert.ok(worst <= 2 * Math.ceil(Math.log2(3000)), `worst key count ${worst}`);
});

// Source: the repository's testdata/rfc6962/{tree-8-leaves.json, inclusion/*/happy-path.json,
// consistency/*/happy-path.json}, transparency-dev/merkle @ 417fb0c3 (Apache-2.0).
test('generated proofs are byte-identical to the transparency-dev happy-path vectors', async () => {
  const dir = new URL('../../../../testdata/rfc6962/', import.meta.url);
  const read = (path: string) => JSON.parse(readFileSync(new URL(path, dir), 'utf8'));
  const inputs = read('tree-8-leaves.json').tree.leafInputs as string[];
  const store = new InMemoryNodeStore();
  store.writeNodes(
    appendPlan(
      0,
      inputs.map((h) => leafHash(Buffer.from(h, 'hex'))),
      [],
    ).nodes,
  );
  const b64s = (hs: readonly Uint8Array[]) => hs.map((h) => Buffer.from(h).toString('base64'));
  for (const d of ['0', '1', '2', '3', '4']) {
    const inc = read(`inclusion/${d}/happy-path.json`);
    assert.deepEqual(
      b64s(await readInclusionProof(store, inc.leafIdx, inc.treeSize)),
      inc.proof ?? [],
      `inclusion/${d}`,
    );
    const con = read(`consistency/${d}/happy-path.json`);
    assert.deepEqual(
      b64s(await readConsistencyProof(store, con.size1, con.size2)),
      con.proof ?? [],
      `consistency/${d}`,
    );
    assert.equal((await readRoot(store, con.size2)).toString('base64'), con.root2);
  }
});

test('proof requests outside the tree and missing nodes are named', () => {
  const isCode = (code: string) => (e: unknown) => e instanceof CoreError && e.code === code;
  assert.throws(() => inclusionProofKeys(5, 5), isCode('OUT_OF_RANGE'));
  assert.throws(() => inclusionProofKeys(-1, 5), isCode('OUT_OF_RANGE'));
  assert.throws(() => consistencyProofKeys(0, 5), isCode('OUT_OF_RANGE'));
  assert.throws(() => consistencyProofKeys(6, 5), isCode('OUT_OF_RANGE'));
  assert.deepEqual(consistencyProofKeys(5, 5), []);
  assert.throws(() => rootKeys(1.5), isCode('OUT_OF_RANGE'));
  const keys = inclusionProofKeys(2, 5);
  assert.throws(
    () =>
      assembleInclusionProof(
        2,
        5,
        keys.map(() => undefined),
      ),
    (e: unknown) => isCode('MISSING_NODE')(e) && /store has no node/.test((e as Error).message),
  );
  assert.throws(() => assembleConsistencyProof(2, 5, []), isCode('MISSING_NODE'));
});

test('proofs in a tree past 2^32 leaves (beyond 32-bit bitwise range) generate and verify', async () => {
  // Every leaf is the same hash, so a perfect subtree's hash depends only on its level: a store of
  // any size without storing it. Generation and verification must agree on arithmetic above 2^32.
  const byLevel = [leafHash(Buffer.from('same'))];
  for (let l = 1; l <= 53; l++) byLevel.push(nodeHash(byLevel[l - 1] as Buffer, byLevel[l - 1] as Buffer));
  const n = 2 ** 45 + 2 ** 33 + 12_345;
  const virtual = {
    readNodes: (keys: readonly { level: number; index: number }[]) => keys.map((k) => byLevel[k.level]),
  };
  const root = await readRoot(virtual, n);
  for (const index of [0, 2 ** 32 - 1, 2 ** 32, 2 ** 44 + 3, n - 12_345, n - 2, n - 1]) {
    const proof = await readInclusionProof(virtual, index, n);
    verifyInclusion(byLevel[0] as Buffer, index, n, proof, root);
    assert.throws(() => verifyInclusion(byLevel[0] as Buffer, index, n, proof.slice(1), root), /expected/);
  }
  for (const m of [1, 2 ** 32 + 1, 2 ** 40, 2 ** 45 + 7, n - 1]) {
    const proof = await readConsistencyProof(virtual, m, n);
    verifyConsistency(m, n, proof, await readRoot(virtual, m), root);
  }
});

test('proof keys stay logarithmic at 2^52 leaves', () => {
  const n = 2 ** 52 + 12345;
  const keys = inclusionProofKeys(n - 2, n);
  assert.ok(keys.length <= 2 * 53);
  for (const { level, index } of keys)
    assert.ok((index + 1) * 2 ** level <= n, 'every key is inside the tree');
  assert.ok(consistencyProofKeys(2 ** 40 + 3, n).length <= 2 * 53);
});
