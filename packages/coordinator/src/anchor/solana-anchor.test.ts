import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  generateKeyPairSigner,
  getBase58Decoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  lamports,
  signature as toSignature,
} from '@solana/kit';
import { CoreError, MEMO_V1_PROGRAM_ID, MEMO_V3_PROGRAM_ID, sha256Hex, verifyAnchorRef } from '@sward/core';
import { LiteSVM, TransactionMetadata } from 'litesvm';
import { AnchorError } from './anchor-error.js';
import { liteSvmTransport } from './litesvm-transport.js';
import { payerFromKeypairJson } from './payer.js';
import { SolanaAnchor } from './solana-anchor.js';

const badAnchor = (e: unknown) => e instanceof CoreError && e.code === 'BAD_ANCHOR';

async function funded(svm: LiteSVM) {
  const payer = await generateKeyPairSigner();
  svm.airdrop(payer.address, lamports(1_000_000_000n));
  return payer;
}

/** Reads the memo back out of the wire bytes with kit's own decoders, independently of core's. */
function memoOf(wireBase64: string): { program: string; data: string } {
  const tx = getTransactionDecoder().decode(Buffer.from(wireBase64, 'base64'));
  const msg = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
  if (msg.version !== 0) throw new Error(`expected a v0 message, got ${msg.version}`);
  assert.equal(msg.instructions.length, 1);
  const ix = msg.instructions[0] as (typeof msg.instructions)[number];
  return {
    program: msg.staticAccounts[ix.programAddressIndex] as string,
    data: Buffer.from(ix.data ?? []).toString('utf8'),
  };
}

test('20 checkpoints anchored in litesvm land, log their memo, and verify offline', async () => {
  const svm = new LiteSVM();
  const payer = await funded(svm);
  const anchor = new SolanaAnchor({ transport: liteSvmTransport(svm), payer });
  for (let i = 0; i < 20; i++) {
    const hash = sha256Hex(`checkpoint ${i}`);
    const ref = await anchor.anchor(hash);
    assert.equal(ref.memoProgramId, MEMO_V3_PROGRAM_ID);
    assert.equal(ref.payer, payer.address);
    const landed = svm.getTransaction(toSignature(ref.signature));
    assert.ok(landed instanceof TransactionMetadata, `transaction ${i} is in litesvm's history as a success`);
    assert.equal(getBase58Decoder().decode(landed.signature()), ref.signature);
    // The memo program itself logged the hash: the runtime executed our instruction on this data.
    assert.ok(landed.logs().includes(`Program log: ${hash}`), landed.logs().join('\n'));
    assert.deepEqual(memoOf(ref.transaction), { program: MEMO_V3_PROGRAM_ID, data: hash });
    verifyAnchorRef(JSON.parse(JSON.stringify(ref)), hash);
    const other = sha256Hex(`not checkpoint ${i}`);
    assert.throws(() => verifyAnchorRef({ ...ref, checkpointHash: other }, other), badAnchor);
    const bytes = Buffer.from(ref.transaction, 'base64');
    bytes[bytes.length - 2] = 0x30 + ((bytes[bytes.length - 2] as number) === 0x30 ? 1 : 0); // a memo hex digit
    assert.throws(() => verifyAnchorRef({ ...ref, transaction: bytes.toString('base64') }, hash), badAnchor);
  }
});

test('the older Memo v1 id, which litesvm also ships, works when chosen and verified as such', async () => {
  const svm = new LiteSVM();
  const anchor = new SolanaAnchor({
    transport: liteSvmTransport(svm),
    payer: await funded(svm),
    memoProgramId: MEMO_V1_PROGRAM_ID,
  });
  const hash = sha256Hex('v1');
  const ref = await anchor.anchor(hash);
  assert.ok(svm.getTransaction(toSignature(ref.signature)) instanceof TransactionMetadata);
  assert.throws(() => verifyAnchorRef(ref, hash), /not one of/);
  verifyAnchorRef(ref, hash, { memoProgramIds: [MEMO_V1_PROGRAM_ID] });
});

test('an unfunded payer is a permanent send failure', async () => {
  const svm = new LiteSVM();
  const anchor = new SolanaAnchor({ transport: liteSvmTransport(svm), payer: await generateKeyPairSigner() });
  await assert.rejects(
    anchor.anchor(sha256Hex('x')),
    (e) => e instanceof AnchorError && e.code === 'SEND_FAILED' && !e.retryable,
  );
});

test('a Solana CLI keypair file loads as the payer', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secret = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const payer = await payerFromKeypairJson(JSON.stringify([...secret, ...pub]));
  assert.equal(payer.address, getBase58Decoder().decode(pub));
  await assert.rejects(
    payerFromKeypairJson('[1,2,3]'),
    (e) => e instanceof AnchorError && e.code === 'BAD_INPUT',
  );
});
