import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommitGroups } from './commit-groups.js';

/** A commit that records each group it was given and answers each item with its double. */
function recorder(fail: (items: readonly number[]) => boolean = () => false) {
  const groups: number[][] = [];
  const commit = async (items: readonly number[]) => {
    groups.push([...items]);
    if (fail(items)) throw new Error(`group ${items.join(',')} failed`);
    return items.map((n) => n * 2);
  };
  return { groups, commit };
}

test('items submitted in one turn of the event loop are committed together, each answered its own', async () => {
  const { groups, commit } = recorder();
  const g = new CommitGroups(commit, true);
  const answers = await Promise.all([g.submit(1), g.submit(2), g.submit(3)]);
  assert.deepEqual(answers, [2, 4, 6]);
  assert.deepEqual(groups, [[1, 2, 3]]);
  // a later turn starts a new group
  assert.equal(await g.submit(4), 8);
  assert.deepEqual(groups, [[1, 2, 3], [4]]);
});

test('a group whose commit throws is committed again item by item: only the failing item fails', async () => {
  const { groups, commit } = recorder((items) => items.includes(2));
  const g = new CommitGroups(commit, true);
  const settled = await Promise.allSettled([g.submit(1), g.submit(2), g.submit(3)]);
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    [2, 'group 2 failed', 6],
  );
  assert.deepEqual(groups, [[1, 2, 3], [1], [2], [3]]);
});

test('without gathering, each item commits alone and at once', async () => {
  const { groups, commit } = recorder();
  const g = new CommitGroups(commit, false);
  assert.deepEqual(await Promise.all([g.submit(1), g.submit(2)]), [2, 4]);
  assert.deepEqual(groups, [[1], [2]]);
});
