import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { appendPlan } from './append-plan.js';
import { merkleRootOf } from './distributor.js';
import { leafHash } from './hashing.js';
import { nodeKeyId, perfectSubtrees } from './node-key.js';
import { InMemoryNodeStore } from './node-store.js';
import { frontierKeys } from './proof-keys.js';
import { appendLeaves } from './proof-reader.js';

const leaves = Array.from({ length: 1100 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

test('appending in any batch split stores exactly the complete subtrees and gives the RFC root', async () => {
  for (const batches of [[1100], [1, 2, 3, 4, 1090], [511, 1, 512, 76], [1000, 100]]) {
    const store = new InMemoryNodeStore();
    const written = new Map<string, string>();
    let size = 0;
    for (const count of batches) {
      const before = store.reads;
      const plan = await appendLeaves(store, size, leaves.slice(size, size + count));
      assert.equal(store.reads - before, 1, 'one frontier read per batch');
      for (const n of plan.nodes) {
        assert.ok(!written.has(nodeKeyId(n)), `node ${nodeKeyId(n)} written twice`);
        written.set(nodeKeyId(n), Buffer.from(n.hash).toString('hex'));
      }
      size = plan.size;
      assert.deepEqual(plan.root, merkleRootOf(leaves.slice(0, size)), `root after ${batches}`);
    }
    // 1100 leaves hold 1100 + 550 + 275 + 137 + 68 + 34 + 17 + 8 + 4 + 2 + 1 complete subtrees.
    assert.equal(written.size, 2196);
    // Each stored node is the RFC root of the leaves it covers.
    for (const key of [
      { level: 10, index: 0 },
      { level: 4, index: 67 },
      { level: 0, index: 1099 },
    ]) {
      const lo = key.index * 2 ** key.level;
      const want = merkleRootOf(leaves.slice(lo, lo + 2 ** key.level)).toString('hex');
      assert.equal(written.get(nodeKeyId(key)), want, nodeKeyId(key));
    }
  }
});

test('the returned frontier chains batches without another read', () => {
  let plan = appendPlan(0, leaves.slice(0, 300), []);
  plan = appendPlan(300, leaves.slice(300, 777), plan.frontier);
  assert.equal(plan.frontier.length, frontierKeys(777).length);
  assert.deepEqual(plan.root, merkleRootOf(leaves.slice(0, 777)));
  assert.deepEqual(appendPlan(777, [], plan.frontier).root, plan.root, 'empty batch keeps the root');
  assert.deepEqual(
    frontierKeys(777),
    perfectSubtrees(0, 777),
    'the frontier is the perfect subtrees covering the tree, largest first',
  );
});

test('a wrong frontier or leaf hash is refused', () => {
  const isCode = (code: string) => (e: unknown) => e instanceof CoreError && e.code === code;
  assert.throws(() => appendPlan(3, [leaves[3] as Buffer], [leaves[0] as Buffer]), isCode('MISSING_NODE'));
  assert.throws(() => appendPlan(1, [leaves[1] as Buffer], [undefined]), isCode('MISSING_NODE'));
  assert.throws(() => appendPlan(0, [Buffer.alloc(31)], []), isCode('INVALID_SCHEMA'));
  assert.throws(() => appendPlan(-1, [], []), isCode('OUT_OF_RANGE'));
});
