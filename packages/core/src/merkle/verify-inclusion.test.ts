import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { leafHash, nodeHash } from './hashing.js';
import { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';

// Source: shared/testdata/rfc6962/inclusion/**, copied verbatim from transparency-dev/merkle
// testdata/inclusion @ 417fb0c3 (Apache-2.0); wantErr: true means the proof must be rejected.
const TESTDATA = new URL('../../../../../shared/testdata/rfc6962/', import.meta.url);

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
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

test('every inclusion vector is accepted or rejected as transparency-dev/merkle says', () => {
  const files = jsonFiles(new URL('inclusion/', TESTDATA));
  let valid = 0;
  let rejected = 0;
  for (const file of files) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionProbe;
    const run = () =>
      verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
    const where = `${file.pathname.split('/inclusion/')[1]}: ${v.desc}`;
    if (v.wantErr) {
      assert.throws(run, isBadProof, where);
      rejected++;
    } else {
      assert.doesNotThrow(run, where);
      valid++;
    }
  }
  // The README counts 98 files: 6 valid, 92 must-fail. Guard against silently skipping some.
  assert.deepEqual({ valid, rejected }, { valid: 6, rejected: 92 });
});

test('malformed inclusion proofs are named', () => {
  const a = leafHash(Buffer.from('a'));
  const b = leafHash(Buffer.from('b'));
  const root = nodeHash(a, b);
  verifyInclusion(a, 0, 2, [b], root);
  verifyInclusion(b, 1, 2, [a], root);
  assert.throws(() => verifyInclusion(a, 2, 2, [b], root), /leaf index 2 is not below tree size 2/);
  assert.throws(() => verifyInclusion(a, 0, 2, [], root), /has 0 hashes, expected 1/);
  assert.throws(() => verifyInclusion(a, 0, 2, [b, b], root), /has 2 hashes, expected 1/);
  assert.throws(() => verifyInclusion(a, 0, 2, [b.subarray(1)], root), /proof\[0\] is 31 bytes/);
  assert.throws(() => verifyInclusion(a, 0, 2, [b], root.subarray(0, 16)), /root is 16 bytes/);
  assert.throws(() => verifyInclusion(a, -1, 2, [b], root), isBadProof);
  assert.throws(() => verifyInclusion(a, 0, 2 ** 53, [b], root), isBadProof);
  assert.throws(() => verifyInclusion(b, 0, 2, [a], root), /gives root/);
  assert.deepEqual(rootFromInclusionProof(a, 0, 1, []), a);
});
