import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { merkleRootOf } from './distributor.js';
import { leafHash } from './hashing.js';
import { verifyConsistency } from './verify-consistency.js';

// Source: the repository's testdata/rfc6962/consistency/**, copied verbatim from transparency-dev/merkle
// testdata/consistency @ 417fb0c3 (Apache-2.0); wantErr: true means the proof must be rejected.
const TESTDATA = new URL('../../../../testdata/rfc6962/', import.meta.url);

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFiles(dir: URL): URL[] {
  return readdirSync(dir).flatMap((name) => {
    const url = new URL(name, dir);
    return statSync(url).isDirectory()
      ? jsonFiles(new URL(`${name}/`, dir))
      : name.endsWith('.json')
        ? [url]
        : [];
  });
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const isBadProof = (e: unknown): boolean => e instanceof CoreError && e.code === 'BAD_PROOF';

test('every consistency vector is accepted or rejected as transparency-dev/merkle says', () => {
  let valid = 0;
  let rejected = 0;
  for (const file of jsonFiles(new URL('consistency/', TESTDATA))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyProbe;
    const run = () =>
      verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    const where = `${file.pathname.split('/consistency/')[1]}: ${v.desc}`;
    if (v.wantErr) {
      assert.throws(run, isBadProof, where);
      rejected++;
    } else {
      assert.doesNotThrow(run, where);
      valid++;
    }
  }
  assert.deepEqual({ valid, rejected }, { valid: 6, rejected: 92 });
});

test('malformed consistency proofs are named', () => {
  const leaves = [0, 1, 2].map((i) => leafHash(Buffer.from([i])));
  const [l0, l1, l2] = leaves as [Buffer, Buffer, Buffer];
  const r2 = merkleRootOf([l0, l1]);
  const r3 = merkleRootOf(leaves);
  verifyConsistency(2, 3, [l2], r2, r3);
  assert.throws(() => verifyConsistency(0, 3, [], r2, r3), /empty tree is meaningless/);
  assert.throws(() => verifyConsistency(3, 2, [], r3, r2), /size1 3 is larger than size2 2/);
  assert.throws(() => verifyConsistency(2, 3, [], r2, r3), /empty consistency proof/);
  assert.throws(() => verifyConsistency(2, 3, [l2, l2], r2, r3), /has 2 hashes, expected 1/);
  assert.throws(() => verifyConsistency(2, 3, [l2.subarray(2)], r2, r3), /proof\[0\] is 30 bytes/);
  assert.throws(() => verifyConsistency(2, 3, [l1], r2, r3), /second root/);
  assert.throws(() => verifyConsistency(3, 3, [l2], r3, r3), /sizes are equal \(3\) but the proof has 1/);
  assert.throws(() => verifyConsistency(3, 3, [], r3, r2), /roots differ/);
});
