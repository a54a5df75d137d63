import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { generateKeyPairSigner, lamports } from '@solana/kit';
import { sha256Hex, verifyAnchorRef } from '@sward/core';
import { LiteSVM } from 'litesvm';
import { AnchorError } from './anchor-error.js';
import { rpcTransport } from './rpc-transport.js';
import { SolanaAnchor } from './solana-anchor.js';
import { startTestingRpcNode } from './testing-rpc-node.js';

const svm = new LiteSVM();
const { url, state, server } = await startTestingRpcNode(svm);
after(() => server.close());

async function anchorWith(funded: boolean) {
  const payer = await generateKeyPairSigner();
  if (funded) svm.airdrop(payer.address, lamports(1_000_000_000n));
  return new SolanaAnchor({ transport: rpcTransport(url, { pollMs: 1 }), payer });
}

test('over JSON-RPC: sent, polled until confirmed, ref carries the slot and verifies', async () => {
  const hash = sha256Hex('rpc');
  const ref = await (await anchorWith(true)).anchor(hash);
  assert.equal(ref.slot, 7);
  assert.equal(state.landed.get(ref.signature), ref.transaction);
  assert.equal(state.polls.get(ref.signature), 2);
  verifyAnchorRef(ref, hash);
});

test('a preflight rejection is a permanent failure', async () => {
  await assert.rejects(
    (await anchorWith(false)).anchor(sha256Hex('unfunded')),
    (e) => e instanceof AnchorError && e.code === 'SEND_FAILED',
  );
});

test('no confirmation before the blockhash expires is a retryable failure', async () => {
  state.confirm = false;
  state.blockHeight = 21;
  try {
    await assert.rejects(
      (await anchorWith(true)).anchor(sha256Hex('lost')),
      (e) => e instanceof AnchorError && e.code === 'NOT_CONFIRMED' && e.retryable,
    );
  } finally {
    state.confirm = true;
    state.blockHeight = 10;
  }
});

test('an unreachable RPC node is a retryable failure whose message does not leak the URL', async () => {
  const secretUrl = 'http://127.0.0.1:1/?api-key=SECRET';
  const anchor = new SolanaAnchor({
    transport: rpcTransport(secretUrl),
    payer: await generateKeyPairSigner(),
  });
  await assert.rejects(
    anchor.anchor(sha256Hex('offline')),
    (e) => e instanceof AnchorError && e.retryable && !e.message.includes('SECRET'),
  );
});
