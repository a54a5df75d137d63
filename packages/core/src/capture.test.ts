import assert from 'node:assert/strict';
import { test } from 'node:test';
import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { canonicalBytes, canonicalJson } from './canonical-json.js';
import {
  type Capture,
  captureIdOf,
  captureLeafBytes,
  checkCaptureBody,
  signCapture,
  verifySignedCapture,
  verifySignedCaptureInOrder,
  verifySignedCaptureLeaf,
} from './capture.js';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';
import { exportPrivateKeyPem, generateIdentity, identityFromPem } from './identity.js';
import { leafHash } from './merkle/hashing.js';
import type { RightsReceipt } from './rights-receipt.js';

const id = generateIdentity();
const body = Buffer.from('<html>hello</html>');
const capture: Capture = {
  v: 1,
  jobId: 'job1',
  leaseId: 'lease1',
  nodeId: id.id,
  requestedUrl: 'http://example.com/',
  finalUrl: 'http://example.com/',
  redirects: [],
  status: 200,
  headers: { 'content-type': 'text/html' },
  bodySha256: sha256Hex(body),
  bodyLength: body.length,
  fetchStart: '2026-01-01T00:00:00.000Z',
  fetchEnd: '2026-01-01T00:00:01.000Z',
  tlsCertSha256: null,
  ip: '127.0.0.1',
};

test('RFC 8785 canonical JSON sorts keys and normalises numbers', () => {
  assert.equal(canonicalJson({ b: 1, a: [1e21, 0.5, 'x'] }), '{"a":[1e+21,0.5,"x"],"b":1}');
});

test("canonicalJson gives the canonicalize package's text, or its error, for any value", () => {
  const reference = canonicalizeModule as unknown as (value: unknown) => string | undefined;
  const outcome = (f: () => string | undefined) => {
    try {
      const text = f();
      return text === undefined ? { error: 'value has no JSON form' } : { text };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const same = (v: unknown) =>
    assert.deepEqual(
      outcome(() => canonicalJson(v)),
      outcome(() => reference(v)),
    );
  fc.assert(fc.property(fc.jsonValue(), same), { numRuns: 500 });
  fc.assert(
    fc.property(
      fc.anything({
        stringUnit: 'binary',
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withBigInt: true,
        withDate: true,
        withTypedArray: true,
        withSparseArray: true,
      }),
      same,
    ),
    { numRuns: 1000 },
  );
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  for (const v of [cyclic, NaN, -0, '\ud800', { '\udc00': 1 }, [undefined, () => 1], { f: () => 1 }, 10n])
    same(v);
});

test('a signed capture verifies and its body matches', () => {
  const sc = signCapture(id, capture);
  assert.deepEqual(verifySignedCapture(JSON.parse(JSON.stringify(sc))), sc);
  checkCaptureBody(capture, body);
});

test('the leaf bytes built around the capture bytes are the canonical signed capture', () => {
  const sc = signCapture(id, { ...capture, headers: { 'content-type': 'text/html', etag: '"é\\u"' } });
  const { signed, leafBytes } = verifySignedCaptureLeaf(JSON.parse(JSON.stringify(sc)));
  assert.deepEqual(signed, sc);
  assert.deepEqual(leafBytes, captureLeafBytes(sc));
  assert.deepEqual(leafBytes, canonicalBytes(sc));
});

test('bundle format 2: a capture in canonical key order is checked over the bytes JSON.stringify gives', () => {
  const sc = signCapture(id, { ...capture, headers: { 'content-type': 'text/html', etag: '"é\\u"' } });
  const want = leafHash(captureLeafBytes(sc)).toString('base64');
  const inOrder = JSON.parse(canonicalJson(sc));
  assert.equal(JSON.stringify(inOrder.capture), canonicalJson(sc.capture));
  const r = verifySignedCaptureInOrder(inOrder);
  assert.deepEqual(r.signed, sc);
  assert.equal(r.leafHash, want);
  // Keys in another order (the node's own here): JSON.stringify's bytes fail, the canonical ones decide.
  assert.notEqual(JSON.stringify(sc.capture), canonicalJson(sc.capture));
  assert.equal(verifySignedCaptureInOrder(JSON.parse(JSON.stringify(sc))).leafHash, want);
  // A changed field fails in either order, with the same error as the canonical path.
  for (const text of [canonicalJson(sc), JSON.stringify(sc)]) {
    const bad = JSON.parse(text);
    bad.capture.status = 404;
    assert.throws(
      () => verifySignedCaptureInOrder(bad),
      (e: unknown) => e instanceof CoreError && e.code === 'BAD_SIGNATURE',
    );
  }
  // Malformed input names the field, as verifySignedCapture does.
  const malformed = { ...inOrder, capture: { ...inOrder.capture, nodeId: 'xyz' } };
  assert.throws(() => verifySignedCapture(malformed), /capture: capture\.nodeId: /);
  assert.throws(() => verifySignedCaptureInOrder(malformed), /capture: capture\.nodeId: /);
});

test('bundle format 2: leaves of any size, one after another, hash as their own canonical bytes', () => {
  // The leaf input is written into a buffer reused from call to call, which grows for a large capture:
  // no byte of a longer leaf may be left in a shorter one's hash, and multi-byte text must fit.
  const sizes = [10, 3000, 10, 8000, 0];
  for (const n of sizes) {
    const etag = `"${'é'.repeat(n)}"`;
    const sc = signCapture(id, { ...capture, headers: { 'content-type': 'text/html', etag } });
    const r = verifySignedCaptureInOrder(JSON.parse(canonicalJson(sc)));
    assert.equal(r.leafHash, leafHash(captureLeafBytes(sc)).toString('base64'), `${n} é`);
  }
});

test('a key survives a PEM round trip', () => {
  const again = identityFromPem(exportPrivateKeyPem(id));
  assert.equal(again.id, id.id);
});

test('tampering with any field breaks the signature', () => {
  const sc = signCapture(id, capture);
  const tampered = { ...sc, capture: { ...sc.capture, status: 404 } };
  assert.throws(
    () => verifySignedCapture(tampered),
    (e: unknown) => e instanceof CoreError && e.code === 'BAD_SIGNATURE',
  );
});

test('a body that does not match its hash is named', () => {
  assert.throws(
    () => checkCaptureBody(capture, Buffer.from('<html>hellO</html>')),
    (e: unknown) => e instanceof CoreError && e.code === 'HASH_MISMATCH',
  );
});

test('malformed input names the bad field', () => {
  assert.throws(
    () => verifySignedCapture({ capture: { ...capture, bodySha256: 'zz' }, signature: 'x' }),
    /capture: capture.bodySha256/,
  );
});

test('a rights receipt is part of the leaf, not of the node-signed capture or its id', () => {
  const sc = signCapture(id, {
    ...capture,
    headers: { 'content-type': 'text/html', 'content-usage': 'train-ai=n' },
  });
  const rights: RightsReceipt = {
    v: 1,
    purpose: 'index',
    documents: [
      {
        kind: 'robots',
        url: 'http://example.com/robots.txt',
        sha256: 'a'.repeat(64),
        captureId: `c_${'b'.repeat(32)}`,
      },
    ],
    decisions: {
      train: { decision: 'skip', reason: 'aipref:train-ai=n' },
      input: { decision: 'allow', reason: 'no-signal' },
      index: { decision: 'allow', reason: 'no-signal' },
    },
  };
  const leaf = { ...sc, rights };
  const want = leafHash(captureLeafBytes(leaf));
  // Every path to the leaf hash includes the receipt: canonical, bytes as signed, and in the node's key order.
  assert.deepEqual(leafHash(verifySignedCaptureLeaf(leaf).leafBytes), want);
  // in order, the leaf hash comes as base64 text (merkle/hashing.ts sha256Base64)
  assert.equal(verifySignedCaptureInOrder(JSON.parse(canonicalJson(leaf))).leafHash, want.toString('base64'));
  assert.equal(
    verifySignedCaptureInOrder(JSON.parse(JSON.stringify(leaf))).leafHash,
    want.toString('base64'),
  );
  assert.notDeepEqual(want, leafHash(captureLeafBytes(sc)), 'the receipt changes the leaf');
  // An edited receipt still carries a valid node signature (the node never signed it) but another leaf hash.
  const edited = JSON.parse(canonicalJson(leaf));
  edited.rights.decisions.train = { decision: 'allow', reason: 'no-signal' };
  assert.notEqual(verifySignedCaptureInOrder(edited).leafHash, want.toString('base64'));
  // A leaf without a receipt (before receipts) hashes as it always did; the id ignores the receipt.
  assert.deepEqual(captureLeafBytes(sc), canonicalBytes({ capture: sc.capture, signature: sc.signature }));
  assert.equal(captureIdOf(leaf), captureIdOf(sc));
  assert.equal(captureIdOf(sc), `c_${sha256Hex(captureLeafBytes(sc)).slice(0, 32)}`);
  // A receipt that is not one is refused by name.
  assert.throws(
    () => verifySignedCapture({ ...leaf, rights: { ...rights, purpose: 'sell' } }),
    /rights\.purpose/,
  );
});
