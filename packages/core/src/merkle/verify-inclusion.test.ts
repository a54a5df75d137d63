import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { leafHash, nodeHash } from './hashing.js';
import { InMemoryNodeStore } from './node-store.js';
import { appendLeaves, readInclusionProof, readRoot } from './proof-reader.js';
import { InclusionVerifier, rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';

// Source: the repository's testdata/rfc6962/inclusion/**, copied verbatim from transparency-dev/merkle
// testdata/inclusion @ 417fb0c3 (Apache-2.0); wantErr: true means the proof must be rejected.
const TESTDATA = new URL('../../../../testdata/rfc6962/', import.meta.url);

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

/** verifyInclusion's outcome: undefined when it accepts, else its message. */
const outcome = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};

test('InclusionVerifier accepts and rejects exactly as verifyInclusion, message included, proof after proof', async () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const other = Buffer.alloc(32, 9).toString('base64');
  for (const size of [1, 2, 3, 5, 8, 13, 64, 100, 257]) {
    const store = new InMemoryNodeStore();
    const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    await appendLeaves(store, 0, leaves);
    const root = await readRoot(store, size);
    const v = new InclusionVerifier();
    for (let i = 0; i < size; i++) {
      const proof = (await readInclusionProof(store, i, size)).map((h) => h.toString('base64'));
      const leaf = leaves[i] as Buffer;
      const cases: [Buffer, number, string[], Buffer][] = [[leaf, i, proof, root]];
      // Every third leaf also gets a bad variant before its good proof: any element (the top ones are the
      // ones a shortcut could skip), a short element, a wrong index, a wrong leaf, a short proof, a wrong root.
      if (i % 3 === 0) {
        const bad = [...proof];
        if (bad.length > 0) bad[random(bad.length)] = random(4) === 0 ? other.slice(0, 40) : other;
        cases.unshift(
          [leaf, i, bad, root],
          [leaf, (i + 1) % size, proof, root],
          [leaves[(i + 1) % size] as Buffer, i, proof, root],
          [leaf, i, proof.slice(1), root],
          [leaf, i, proof, Buffer.alloc(32)],
        );
      }
      // The same bytes in other base64 forms (no padding, URL-safe characters, nonzero trailing bits): the
      // walk compares text only in Buffer's own form, so these go to verifyInclusion, which accepts them.
      if (i % 3 === 1 && proof.length > 0) {
        const j = random(proof.length);
        const el = proof[j] as string;
        // The last character's two low bits fall outside the 32 bytes: canonical text has them 0.
        const trailing = `${el.slice(0, 42)}${String.fromCharCode(el.charCodeAt(42) + 1)}=`;
        for (const form of [el.slice(0, 43), el.replaceAll('+', '-').replaceAll('/', '_'), trailing]) {
          assert.deepEqual(b64(form), b64(el));
          cases.unshift([leaf, i, proof.map((x, n) => (n === j ? form : x)), root]);
        }
      }
      for (const [l, at, p, r] of cases) {
        const want = outcome(() => verifyInclusion(l, at, size, p.map(b64), r));
        assert.equal(
          outcome(() => v.verify(l, at, size, p, r)),
          want,
          `size ${size}, leaf ${i} as ${at}`,
        );
      }
    }
  }
});

test('InclusionVerifier rejects proofs spliced from the tails of proofs it verified before', async () => {
  // Every (a, b, c) leaf triple of small trees: verify a, then b, then c with its own first k elements
  // followed by a's or b's last ones. A shortcut that kept walk states the current proof no longer
  // vouches for accepted hundreds of these (a mutant of InclusionVerifier.extend did).
  for (let size = 2; size <= 9; size++) {
    const store = new InMemoryNodeStore();
    const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    await appendLeaves(store, 0, leaves);
    const root = await readRoot(store, size);
    const proofs: string[][] = [];
    for (let i = 0; i < size; i++)
      proofs.push((await readInclusionProof(store, i, size)).map((h) => h.toString('base64')));
    const leaf = (i: number) => leaves[i] as Buffer;
    const proof = (i: number) => proofs[i] as string[];
    for (let a = 0; a < size; a++)
      for (let b = 0; b < size; b++)
        for (let c = 0; c < size; c++)
          for (const from of [a, b])
            for (let k = 0; k < proof(c).length; k++) {
              const spliced = [...proof(c).slice(0, k), ...proof(from).slice(k - proof(c).length)];
              if (spliced.length !== proof(c).length) continue;
              const v = new InclusionVerifier();
              v.verify(leaf(a), a, size, proof(a), root);
              v.verify(leaf(b), b, size, proof(b), root);
              const want = outcome(() => verifyInclusion(leaf(c), c, size, spliced.map(b64), root));
              assert.equal(
                outcome(() => v.verify(leaf(c), c, size, spliced, root)),
                want,
                `${size}: ${a} ${b} ${c} ${k}`,
              );
            }
  }
});
