import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { openCheckpoint } from './checkpoint.js';
import { leafHash } from './hashing.js';
import { noteVerifierFromKey } from './note-keys.js';
import { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';

// Source: the repository's testdata/rfc6962/real-world/sigstore-rekor-inclusion.json: three real Sigstore Rekor
// entries and log keys from sigstore/sigstore-python @ 27db13db (Apache-2.0). Trees of 646, 4,026,479
// and 32,658,497 leaves; Rekor v1 signs checkpoints with ECDSA P-256, Rekor v2 with Ed25519.
const TESTDATA = new URL('../../../../testdata/rfc6962/', import.meta.url);
interface Rekor {
  logKeys: { baseUrl: string; logIdKeyId: string; keyDetails: string; publicKeyDerBase64: string }[];
  entries: {
    bundleFile: string;
    proofLogIndex: string;
    treeSize: string;
    rootHash: string;
    hashes: string[];
    checkpoint: string;
    canonicalizedBody: string;
  }[];
}
const rekor = JSON.parse(
  readFileSync(new URL('real-world/sigstore-rekor-inclusion.json', TESTDATA), 'utf8'),
) as Rekor;
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/** Rekor's note key ID is the first 4 bytes of its log ID; the key name is the log's host. */
const verifiers = rekor.logKeys.map((k) =>
  noteVerifierFromKey(
    new URL(k.baseUrl).host,
    b64(k.logIdKeyId).readUInt32BE(0),
    createPublicKey({ key: b64(k.publicKeyDerBase64), format: 'der', type: 'spki' }),
  ),
);

test('real Rekor entries: leaf, inclusion proof, and signed checkpoint all check out', () => {
  assert.equal(rekor.entries.length, 3);
  for (const e of rekor.entries) {
    const leaf = leafHash(b64(e.canonicalizedBody));
    const index = Number(e.proofLogIndex);
    const size = Number(e.treeSize);
    const proof = e.hashes.map(b64);
    verifyInclusion(leaf, index, size, proof, b64(e.rootHash));
    const { checkpoint, note } = openCheckpoint(e.checkpoint, verifiers);
    assert.equal(checkpoint.size, size, e.bundleFile);
    assert.deepEqual(Buffer.from(checkpoint.rootHash), b64(e.rootHash), e.bundleFile);
    assert.equal(note.verified.length, 1, e.bundleFile);
    // The alpha3 checkpoint also carries three witness cosignatures we hold no keys for: ignored.
    if (e.checkpoint.includes('witness')) assert.equal(note.unknown.length, 3);
  }
});

test('tampering with a real Rekor proof or checkpoint is caught', () => {
  const e = rekor.entries[1];
  assert.ok(e);
  const leaf = leafHash(b64(e.canonicalizedBody));
  const proof = e.hashes.map(b64);
  const flipped = proof.map((h, i) => (i === 5 ? Buffer.from(h.map((x, j) => (j === 0 ? x ^ 1 : x))) : h));
  const root = rootFromInclusionProof(leaf, Number(e.proofLogIndex), Number(e.treeSize), flipped);
  assert.notDeepEqual(root, b64(e.rootHash));
  assert.throws(
    () => verifyInclusion(leaf, Number(e.proofLogIndex) - 1, Number(e.treeSize), proof, b64(e.rootHash)),
    (err: unknown) => err instanceof CoreError && err.code === 'BAD_PROOF',
  );
  const forged = e.checkpoint.replace(`\n${e.treeSize}\n`, `\n${Number(e.treeSize) + 1}\n`);
  assert.throws(
    () => openCheckpoint(forged, verifiers),
    (err: unknown) => err instanceof CoreError && err.code === 'BAD_SIGNATURE',
  );
});
