import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { merkleRootOf } from './distributor.js';
import { emptyRoot, isHashBase64, leafHash, nodeHash, nodeHashBase64, sha256Base64 } from './hashing.js';
import { InMemoryNodeStore } from './node-store.js';
import { appendLeaves, readRoot } from './proof-reader.js';

// Source: the repository's testdata/rfc6962/tree-8-leaves.json, from transparency-dev/merkle testonly/constants.go
// and rfc6962/rfc6962_test.go @ 417fb0c3 (Apache-2.0).
const TESTDATA = new URL('../../../../testdata/rfc6962/', import.meta.url);
interface TreeVectors {
  hasherVectors: { op: string; inputUtf8?: string; leftUtf8?: string; rightUtf8?: string; want: string }[];
  tree: { leafInputs: string[]; nodeHashesByLevel: string[][]; rootsBySize: string[] };
}
const vectors = JSON.parse(readFileSync(new URL('tree-8-leaves.json', TESTDATA), 'utf8')) as TreeVectors;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('RFC 6962 hasher vectors (transparency-dev/merkle)', () => {
  assert.equal(vectors.hasherVectors.length, 4);
  for (const v of vectors.hasherVectors) {
    if (v.op === 'emptyRoot') assert.equal(hex(emptyRoot()), v.want);
    else if (v.op === 'hashLeaf') assert.equal(hex(leafHash(Buffer.from(v.inputUtf8 ?? '', 'utf8'))), v.want);
    else if (v.op === 'hashChildren') {
      // The vector hashes short strings, not 32-byte hashes: exercises the general path of nodeHash.
      assert.equal(hex(nodeHash(Buffer.from(v.leftUtf8 ?? ''), Buffer.from(v.rightUtf8 ?? ''))), v.want);
    } else assert.fail(`unknown op ${v.op}`);
  }
});

test('8-leaf tree: every stored node and the root at every size 0..8', async () => {
  const leaves = vectors.tree.leafInputs.map((h) => leafHash(Buffer.from(h, 'hex')));
  const store = new InMemoryNodeStore();
  // Append one leaf at a time so every intermediate size is a real past tree head.
  for (let size = 0; size < leaves.length; size++) {
    const plan = await appendLeaves(store, size, [leaves[size] as Buffer]);
    assert.equal(hex(plan.root), vectors.tree.rootsBySize[size + 1]);
  }
  vectors.tree.nodeHashesByLevel.forEach((row, level) => {
    const got = store.readNodes(row.map((_, index) => ({ level, index })));
    assert.deepEqual(
      got.map((h) => hex(h as Uint8Array)),
      row,
      `level ${level}`,
    );
  });
  for (let size = 0; size <= 8; size++) {
    assert.equal(hex(await readRoot(store, size)), vectors.tree.rootsBySize[size], `readRoot(${size})`);
    assert.equal(
      hex(merkleRootOf(leaves.slice(0, size))),
      vectors.tree.rootsBySize[size],
      `merkleRootOf(${size})`,
    );
  }
});

test('nodeHashBase64 is nodeHash in base64 for 32-byte hashes in canonical form, and null for anything else', () => {
  for (let i = 0; i < 200; i++) {
    const a = leafHash(Buffer.from(`a${i}`));
    const b = leafHash(Buffer.from(`b${i}`));
    assert.equal(
      nodeHashBase64(a.toString('base64'), b.toString('base64')),
      nodeHash(a, b).toString('base64'),
    );
    assert.equal(sha256Base64(Buffer.from(`x${i}`)), createHash('sha256').update(`x${i}`).digest('base64'));
  }
  const good = leafHash(Buffer.from('g')).toString('base64');
  const noPad = good.slice(0, 43);
  // Text that decodes to 32 bytes in another form, or to other lengths, or with characters base64 lacks.
  for (const other of [
    noPad,
    `${good}=`,
    good.slice(0, 40),
    `${noPad.slice(0, 42)}==`,
    `!${good.slice(1)}`,
    ` ${good.slice(1)}`,
    `${good.slice(0, 42)}==`,
  ])
    assert.equal(nodeHashBase64(other, good), null, other);
  assert.equal(isHashBase64(good), true);
  assert.equal(isHashBase64(noPad), false);
});
