import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import {
  checkpointHash,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
import { merkleRootOf } from './distributor.js';
import { leafHash } from './hashing.js';
import { generateNoteKeys, parseSignerKey, parseVerifierKey } from './note-keys.js';
import { parseNote } from './signed-note.js';

// Source: the repository's testdata/rfc6962/signed-note/vectors.json checkpointFormatExamples, from C2SP
// tlog-checkpoint.md @ 5ba5ee83 (CC BY 4.0); its key is not published, so it is parsed, not verified.
const TESTDATA = new URL('../../../../testdata/rfc6962/', import.meta.url);
const { checkpointFormatExamples } = JSON.parse(
  readFileSync(new URL('signed-note/vectors.json', TESTDATA), 'utf8'),
) as {
  checkpointFormatExamples: {
    checkpoint: string;
    origin: string;
    treeSize: number;
    rootHashBase64: string;
  }[];
};
const isBad = (e: unknown) => e instanceof CoreError && e.code === 'BAD_CHECKPOINT';

test('the C2SP example checkpoint parses and formats back to the same text', () => {
  const ex = checkpointFormatExamples[0];
  assert.ok(ex);
  const note = parseNote(ex.checkpoint);
  const cp = parseCheckpoint(note.text);
  assert.equal(cp.origin, ex.origin);
  assert.equal(cp.size, ex.treeSize);
  assert.equal(Buffer.from(cp.rootHash).toString('base64'), ex.rootHashBase64);
  assert.deepEqual(cp.extensions, []);
  assert.equal(formatCheckpoint(cp), note.text);
  assert.equal(note.signatures[0]?.name, ex.origin);
});

test('a signed checkpoint opens with the log key, names its origin, and hashes its exact bytes', () => {
  const keys = generateNoteKeys('sward.example/log');
  const root = merkleRootOf([leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))]);
  const cp = { origin: 'sward.example/log', size: 2, rootHash: root, extensions: ['ext one'] };
  const signed = signCheckpoint(cp, [parseSignerKey(keys.signerKey)]);
  assert.match(signed, /^sward\.example\/log\n2\n[A-Za-z0-9+/]{43}=\next one\n\n\u2014 sward\.example\/log /);
  const opened = openCheckpoint(signed, [parseVerifierKey(keys.verifierKey)], 'sward.example/log');
  assert.deepEqual({ ...opened.checkpoint, rootHash: Buffer.from(opened.checkpoint.rootHash) }, cp);
  assert.throws(
    () => openCheckpoint(signed, [parseVerifierKey(keys.verifierKey)], 'other.example/log'),
    isBad,
  );
  assert.equal(checkpointHash(signed), sha256Hex(Buffer.from(signed, 'utf8')));
  assert.equal(checkpointHash(Buffer.from(signed, 'utf8')), checkpointHash(signed));
  assert.match(checkpointHash(signed), /^[0-9a-f]{64}$/);
});

test('malformed checkpoint bodies are rejected', () => {
  const root = Buffer.alloc(32, 7).toString('base64');
  for (const [text, why] of [
    [`log\n5\n${root}`, /end in a newline/],
    [`log\n5\n`, /needs origin, size and root/],
    [`\n5\n${root}\n`, /origin is empty/],
    [`log\n05\n${root}\n`, /leading zeroes/],
    [`log\n-1\n${root}\n`, /leading zeroes/],
    [`log\n99999999999999999999\n${root}\n`, /too large/],
    [`log\n5\n${Buffer.alloc(31).toString('base64')}\n`, /not base64 of 32 bytes/],
    [`log\n5\n${root.slice(0, -1)}\n`, /not base64 of 32 bytes/],
    [`log\n5\n${root}\n\n`, /extension line 1 is empty/],
  ] as const) {
    assert.throws(
      () => parseCheckpoint(text),
      (e: unknown) => isBad(e) && why.test((e as Error).message),
      text,
    );
  }
  assert.deepEqual(parseCheckpoint(`log\n0\n${root}\n`).size, 0);
  assert.throws(
    () => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: Buffer.alloc(32), extensions: [] }),
    isBad,
  );
  assert.throws(
    () => formatCheckpoint({ origin: 'a', size: 1.5, rootHash: Buffer.alloc(32), extensions: [] }),
    isBad,
  );
});
