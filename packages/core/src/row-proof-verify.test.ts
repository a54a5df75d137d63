import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Capture, captureLeafBytes, signCapture } from './capture.js';
import { sha256Hex } from './hash.js';
import { generateIdentity } from './identity.js';
import { signCheckpoint } from './merkle/checkpoint.js';
import { leafHash } from './merkle/hashing.js';
import { InMemoryNodeStore } from './merkle/node-store.js';
import { generateNoteKeys, parseSignerKey } from './merkle/note-keys.js';
import { appendLeaves, readInclusionProof, readRoot } from './merkle/proof-reader.js';
import type { RowProof } from './proof-wire.js';
import { verifyRowProof } from './row-proof-verify.js';

const node = generateIdentity();
const keys = generateNoteKeys('sward.test/log');
const other = generateNoteKeys('sward.test/log');

function capture(i: number): Capture {
  const body = Buffer.from(`<p>page ${i}</p>`);
  return {
    v: 1,
    jobId: 'job1',
    leaseId: `lease${i}`,
    nodeId: node.id,
    requestedUrl: `http://example.com/${i}`,
    finalUrl: `http://example.com/${i}`,
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
}

async function proofOf(index: number, size = 5): Promise<RowProof> {
  const records = Array.from({ length: size }, (_, i) => signCapture(node, capture(i)));
  const store = new InMemoryNodeStore();
  await appendLeaves(
    store,
    0,
    records.map((r) => leafHash(captureLeafBytes(r))),
  );
  const root = await readRoot(store, size);
  const note = signCheckpoint({ origin: 'sward.test/log', size, rootHash: root, extensions: [] }, [
    parseSignerKey(keys.signerKey),
  ]);
  return {
    captureId: 'c_x',
    record: records[index] as RowProof['record'],
    leafIndex: index,
    checkpoint: { size, note, hash: '', createdAt: 0, anchor: null },
    inclusionProof: (await readInclusionProof(store, index, size)).map((h) => h.toString('base64')),
  };
}

const verdicts = (p: RowProof, key = keys.verifierKey) =>
  Object.fromEntries(verifyRowProof(p, key).map((c) => [c.step, c.ok]));

test('a row proof passes its three checks', async () => {
  for (const i of [0, 3, 4])
    assert.deepEqual(verdicts(await proofOf(i)), { signature: true, checkpoint: true, inclusion: true });
});

test('a tampered row fails its signature and its inclusion, the checkpoint still holds', async () => {
  const p = await proofOf(2);
  const cap = p.record.capture as { status: number };
  cap.status = 404;
  assert.deepEqual(verdicts(p), { signature: false, checkpoint: true, inclusion: false });
});

test('another row signed by the node does not pass at this leaf index', async () => {
  const p = await proofOf(2);
  p.record = (await proofOf(1)).record;
  assert.deepEqual(verdicts(p), { signature: true, checkpoint: true, inclusion: false });
});

test('a checkpoint under another log key fails, and so does a wrong sibling hash', async () => {
  const p = await proofOf(1);
  assert.deepEqual(verdicts(p, other.verifierKey), { signature: true, checkpoint: false, inclusion: false });
  p.inclusionProof[0] = Buffer.alloc(32, 7).toString('base64');
  const checks = verifyRowProof(p, keys.verifierKey);
  assert.equal(checks.find((c) => c.step === 'inclusion')?.ok, false);
  assert.match(checks.find((c) => c.step === 'inclusion')?.detail ?? '', /gives root/);
});
