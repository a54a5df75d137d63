import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ANCHOR_GENESIS_HASH,
  type FileAnchorEntry,
  MEMO_V1_PROGRAM_ID,
  nextFileAnchorEntry,
  type SolanaAnchorRef,
  verifyAnchorChain,
  verifyAnchorFileText,
  verifyAnchorRef,
} from './anchor-verify.js';
import { CoreError } from './errors.js';
import { sha256Hex } from './hash.js';

const code = (c: string) => (e: unknown) => e instanceof CoreError && e.code === c;
const hashes = ['a', 'b', 'c', 'd'].map((s) => sha256Hex(s));

function chain(): FileAnchorEntry[] {
  const out: FileAnchorEntry[] = [];
  for (const h of hashes) out.push(nextFileAnchorEntry(out.at(-1) ?? null, h, '2026-01-01T00:00:00.000Z'));
  return out;
}

/**
 * A real anchor made by SolanaAnchor (packages/coordinator/src/anchor) with @solana/kit against litesvm:
 * a signed v0 transaction whose one SPL Memo v3 instruction carries sha256("sward") in hex.
 */
const SOLANA_REF: SolanaAnchorRef = {
  kind: 'solana',
  signature: '4Y8YCVWEfarFRRCkNsxzswjv2TQRNqGgfRFb8A9ainaUbRZLkUy8EJGimBsHcKA2wSCbqqxTN7KWLJHwmJy7zBmb',
  slot: 447552000,
  checkpointHash: sha256Hex('sward'),
  memoProgramId: 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
  transaction:
    'AbDlc4o1lJfYx8tsCyMzzdhUNubVIcQ2MBY8gayvXZ9BQEAFFuAvrPcOCw9Fyw9rDmqDTCF85B4vkAiK2QHXZAqAAQABApgE0ov6k2M9jTQSi80fadr37rDWBLbG8RMuZeTrzdApBUpTWpkpIQZNJOhxYNo4fHw1td28kruB5B+oQEEFRI2u661KeW/MLhXcTGBhtF7Zs3Pyat/HmMp9LYzFgYJxjgEBAEBlYjdlNzZmYjI4OWQ5NTE1ODdiYzk0M2JlMWZiYTRmZTUxNDhmZGM4M2NjOWJlMWMyNjVhY2NlNTZkOTRlZGUxAA==',
  payer: 'BEREdjYaGf5mNKgJZQdgpZxtEabU81SYxwm2n9meXRSY',
};

test('a file anchor chain verifies and each entry is a valid ref for its checkpoint', () => {
  const entries = chain();
  assert.equal(entries[0]?.prevHash, ANCHOR_GENESIS_HASH);
  assert.deepEqual(verifyAnchorChain(JSON.parse(JSON.stringify(entries))), entries);
  entries.forEach((e, i) => {
    verifyAnchorRef({ kind: 'file', ...e }, hashes[i] as string, { fileChain: entries });
  });
});

test('a file ref for another checkpoint, or with an edited field, is refused', () => {
  const [e0] = chain() as [FileAnchorEntry];
  assert.throws(() => verifyAnchorRef({ kind: 'file', ...e0 }, hashes[1] as string), code('BAD_ANCHOR'));
  const edited = { kind: 'file', ...e0, time: '2026-01-02T00:00:00.000Z' };
  assert.throws(() => verifyAnchorRef(edited, hashes[0] as string), /does not recompute/);
});

test('a self-consistent file ref that is not in the anchor file is refused', () => {
  const entries = chain();
  const other = nextFileAnchorEntry(entries[0] ?? null, hashes[3] as string, '2026-01-01T00:00:00.000Z');
  assert.throws(
    () => verifyAnchorRef({ kind: 'file', ...other }, hashes[3] as string, { fileChain: entries }),
    /not in the anchor file/,
  );
});

test('a broken chain names the line: an edited or a dropped entry', () => {
  const entries = chain();
  const edited = entries.map((e, i) => (i === 2 ? { ...e, checkpointHash: hashes[0] } : e));
  assert.throws(() => verifyAnchorChain(edited), /^CoreError: line 3: .*does not recompute/);
  assert.throws(
    () => verifyAnchorChain([entries[0], entries[2]]),
    /line 2: anchor entry has seq 2, expected 1/,
  );
  const text = entries.map((e) => JSON.stringify(e)).join('\n');
  assert.equal(verifyAnchorFileText(`${text}\n`).length, 4);
  assert.throws(() => verifyAnchorFileText(`${text}\n{"seq":`), /line 5: not JSON/);
});

test('a Solana ref verifies offline: payer signature over the message, pinned memo, memo = hash', () => {
  verifyAnchorRef(SOLANA_REF, SOLANA_REF.checkpointHash);
});

test('a Solana ref is refused when the hash, signature, bytes or memo program differ', () => {
  const other = sha256Hex('other');
  assert.throws(() => verifyAnchorRef(SOLANA_REF, other), code('BAD_ANCHOR'));
  // Claiming another checkpoint: the ref agrees, the signed memo does not.
  assert.throws(() => verifyAnchorRef({ ...SOLANA_REF, checkpointHash: other }, other), /memo data/);
  const bytes = Buffer.from(SOLANA_REF.transaction, 'base64');
  for (const at of [70, bytes.length - 10, bytes.length - 1]) {
    const t = Buffer.from(bytes);
    t[at] = (t[at] as number) ^ 1;
    assert.throws(
      () => verifyAnchorRef({ ...SOLANA_REF, transaction: t.toString('base64') }, SOLANA_REF.checkpointHash),
      code('BAD_ANCHOR'),
      `flipped byte ${at}`,
    );
  }
  assert.throws(
    () =>
      verifyAnchorRef(
        { ...SOLANA_REF, transaction: bytes.subarray(0, 100).toString('base64') },
        SOLANA_REF.checkpointHash,
      ),
    /truncated/,
  );
  const sig = SOLANA_REF.signature;
  const wrongSig = (sig[0] === '2' ? '3' : '2') + sig.slice(1);
  assert.throws(
    () => verifyAnchorRef({ ...SOLANA_REF, signature: wrongSig }, SOLANA_REF.checkpointHash),
    /signature is/,
  );
  assert.throws(
    () => verifyAnchorRef({ ...SOLANA_REF, memoProgramId: MEMO_V1_PROGRAM_ID }, SOLANA_REF.checkpointHash),
    /not one of/,
  );
  assert.throws(
    () =>
      verifyAnchorRef({ ...SOLANA_REF, memoProgramId: MEMO_V1_PROGRAM_ID }, SOLANA_REF.checkpointHash, {
        memoProgramIds: [MEMO_V1_PROGRAM_ID],
      }),
    /expected one memo instruction, found 0/,
  );
});

test('malformed refs are schema errors', () => {
  assert.throws(() => verifyAnchorRef({ kind: 'paper' }, hashes[0] as string), code('INVALID_SCHEMA'));
  assert.throws(() => verifyAnchorRef({ ...SOLANA_REF, payer: '0OIl' }, SOLANA_REF.checkpointHash), /payer/);
});
